"""BaseChatModel: the protocol from one ``_chunks`` method, tool binding, structured output."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from stategraph.messages import AIMessageChunk, BaseMessage
from stategraph.models import BaseChatModel, ChatModel


class Echo(BaseChatModel):
    """Streams the last message back word by word; calls a tool when told to."""

    model_name = "echo"

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.options: list[dict[str, Any]] = []

    def _chunks(self, messages: list[BaseMessage], **options: Any) -> Iterator[AIMessageChunk]:
        self.options.append(options)
        for word in messages[-1].text.split():
            yield AIMessageChunk(word + " ")
        if options.get("tool_choice"):
            yield AIMessageChunk("", tool_call_chunks=[{"name": options["tool_choice"], "args": '{"n": 1}', "id": "c",
                                                        "index": 0, "type": "tool_call_chunk"}])


def tool_fn(n: int) -> int:
    """A tool."""
    return n


def test_invoke_adds_up_the_chunks_with_one_id() -> None:
    model = Echo()
    reply = model.invoke("hello big world")
    assert reply.content == "hello big world " and reply.id.startswith("run-")
    chunks = list(model.stream([("user", "a b")]))
    assert len({c.id for c in chunks}) == 1 and isinstance(model, ChatModel)


def test_async_forms_reuse_the_sync_chunks() -> None:
    model = Echo()

    async def go() -> tuple[str, list[str]]:
        reply = await model.ainvoke("x y")
        return reply.content, [c.content async for c in model.astream("z")]

    assert asyncio.run(go()) == ("x y ", ["z "])


def test_bind_tools_returns_a_configured_copy() -> None:
    model = Echo()
    bound = model.bind_tools([tool_fn], tool_choice="tool_fn", parallel_tool_calls=False)
    assert model.bound_tools == [] and bound.bound_tools[0]["function"]["name"] == "tool_fn"
    reply = bound.invoke("go")
    assert reply.tool_calls[0]["args"] == {"n": 1}
    assert bound.options[-1]["parallel_tool_calls"] is False


def test_empty_streams_still_give_a_message() -> None:
    assert Echo().invoke([("user", "")]).content == ""
    with pytest.raises(NotImplementedError):
        BaseChatModel().invoke("x")


def test_structured_output_parses_the_forced_call() -> None:
    pydantic = pytest.importorskip("pydantic")

    class Count(pydantic.BaseModel):
        n: int

    assert Echo().with_structured_output(Count).invoke("x") == Count(n=1)
    raw = Echo().with_structured_output(Count, include_raw=True).invoke("x")
    assert raw["parsed"] == Count(n=1) and raw["parsing_error"] is None and raw["raw"].tool_calls


def test_structured_output_reports_a_missing_call() -> None:
    from stategraph.models._structured import StructuredOutput

    class NoTools(Echo):
        def _chunks(self, messages: list[BaseMessage], **options: Any) -> Iterator[AIMessageChunk]:
            yield AIMessageChunk("no call")

    with pytest.raises(ValueError, match="did not call 'Thing'"):
        StructuredOutput(NoTools(), {"title": "Thing", "type": "object"}).invoke("x")
    raw = StructuredOutput(NoTools(), {"title": "Thing"}, include_raw=True).invoke("x")
    assert raw["parsed"] is None and isinstance(raw["parsing_error"], ValueError)
