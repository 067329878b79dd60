"""LangChainChatModel: a langchain-core model behind stategraph's protocol."""

from __future__ import annotations

import asyncio

import pytest

pytest.importorskip("langchain_core")

from stategraph.messages import AIMessage, AIMessageChunk, HumanMessage
from stategraph.models.langchain import LangChainChatModel
from stategraph.testing.langchain_models import FakeToolCallingChatModel


def add(a: int, b: int) -> int:
    """Add."""
    return a + b


def test_messages_are_converted_both_ways() -> None:
    inner = FakeToolCallingChatModel(["hi there", "again"])
    model = LangChainChatModel(inner).bind_tools([add])
    reply = model.invoke([HumanMessage("hello", id="h")])
    assert isinstance(reply, AIMessage) and reply.content == "hi there"
    assert type(inner.received[0][0]).__module__.startswith("langchain_core")
    assert inner.bound[0][0][0]["function"]["name"] == "add"
    assert "LangChainChatModel" in model.get_name()


def test_streams_and_async() -> None:
    model = LangChainChatModel(FakeToolCallingChatModel(["a b", "c", "d e"]))
    chunks = list(model.stream("x"))
    assert all(isinstance(c, AIMessageChunk) for c in chunks) and "".join(c.content for c in chunks) == "a b"

    async def go() -> tuple[str, str]:
        reply = await model.ainvoke("y")
        return reply.content, "".join([c.content async for c in model.astream("z")])

    assert asyncio.run(go()) == ("c", "d e")
