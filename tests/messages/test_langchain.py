"""Round trip between stategraph messages and langchain-core messages."""

from __future__ import annotations

import pytest

lc = pytest.importorskip("langchain_core.messages")

from stategraph.messages import (  # noqa: E402
    AIMessage,
    AIMessageChunk,
    HumanMessage,
    RemoveMessage,
    SystemMessage,
    ToolMessage,
    coerce_message,
    from_langchain,
    is_message,
    to_langchain,
    tool_call,
)

SAMPLES = [
    HumanMessage("hi", id="h1", name="ann"),
    SystemMessage("sys", id="s1"),
    AIMessage("", id="a1", tool_calls=[tool_call("add", {"a": 1}, "c1")], usage_metadata=None),
    ToolMessage("3", id="t1", tool_call_id="c1", name="add", status="error"),
    RemoveMessage(id="r1"),
]


@pytest.mark.parametrize("message", SAMPLES, ids=lambda m: m.type)
def test_round_trip_through_langchain_is_lossless(message) -> None:
    converted = to_langchain(message)
    assert type(converted).__module__.startswith("langchain_core")
    assert converted.type == message.type and converted.id == message.id
    assert from_langchain(converted) == message


def test_langchain_classes_match() -> None:
    assert isinstance(to_langchain(SAMPLES[2]), lc.AIMessage)
    assert to_langchain(SAMPLES[2]).tool_calls[0]["args"] == {"a": 1}
    assert isinstance(to_langchain(SAMPLES[3]), lc.ToolMessage)


def test_chunks_convert_both_ways() -> None:
    ours = AIMessageChunk("he", id="r", tool_call_chunks=[{"name": "f", "args": "{}", "id": "c", "index": 0,
                                                            "type": "tool_call_chunk"}])
    theirs = to_langchain(ours)
    assert isinstance(theirs, lc.AIMessageChunk)
    back = from_langchain(theirs)
    assert back.content == "he" and back.tool_call_chunks[0]["name"] == "f"


def test_coerce_and_is_message_understand_langchain_objects() -> None:
    assert coerce_message(lc.HumanMessage("x", id="1")) == HumanMessage("x", id="1")
    assert is_message(lc.AIMessage("x")) and is_message(AIMessage("x")) and not is_message({"role": "user"})
    assert from_langchain(lc.ChatMessage(content="x", role="user")) == HumanMessage("x")
