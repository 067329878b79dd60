"""stategraph's own message classes: fields, types, chunk arithmetic."""

from __future__ import annotations

import pytest

from stategraph.messages import (
    AIMessage,
    AIMessageChunk,
    HumanMessage,
    RemoveMessage,
    SystemMessage,
    ToolMessage,
    tool_call,
)


def test_types_and_roles_match_langchain_and_openai_names() -> None:
    pairs = [(HumanMessage("h"), "human", "user"), (AIMessage("a"), "ai", "assistant"),
             (SystemMessage("s"), "system", "system"), (ToolMessage("t", tool_call_id="c"), "tool", "tool")]
    for msg, kind, role in pairs:
        assert (msg.type, msg.role) == (kind, role)


def test_tool_calls_are_normalised_to_tool_call_dicts() -> None:
    msg = AIMessage("", tool_calls=[{"name": "add", "args": {"a": 1}, "id": "c1"}])
    assert msg.tool_calls == [{"name": "add", "args": {"a": 1}, "id": "c1", "type": "tool_call"}]
    with pytest.raises(TypeError, match="tool call must be a dict"):
        AIMessage("", tool_calls=["add"])


def test_tool_message_and_remove_message_need_their_ids() -> None:
    with pytest.raises(TypeError, match="tool_call_id"):
        ToolMessage("x")
    with pytest.raises(TypeError, match="id of the message"):
        RemoveMessage()
    assert ToolMessage("x", tool_call_id="c").status == "success"


def test_text_joins_text_blocks_only() -> None:
    msg = HumanMessage([{"type": "text", "text": "a"}, {"type": "image_url", "image_url": {}}, "b"])
    assert msg.text == "ab"


def test_model_copy_applies_updates_without_touching_the_original() -> None:
    msg = AIMessage("x", id="1")
    copy = msg.model_copy(update={"content": "y"})
    assert (msg.content, copy.content, copy.id) == ("x", "y", "1")


def test_chunks_add_content_and_merge_streamed_tool_call_arguments() -> None:
    first = AIMessageChunk("Hel", id="r", tool_call_chunks=[{"name": "add", "args": '{"a": ', "id": "c", "index": 0}])
    second = AIMessageChunk("lo", tool_call_chunks=[{"args": "2}", "index": 0}])
    total = first + second
    assert first.tool_calls == []  # incomplete JSON: not a call yet
    assert total.content == "Hello" and total.id == "r"
    assert total.to_message() == AIMessage("Hello", id="r", tool_calls=[tool_call("add", {"a": 2}, "c")])


def test_chunk_addition_with_block_content_makes_a_block_list() -> None:
    total = AIMessageChunk("a") + AIMessageChunk([{"type": "text", "text": "b"}])
    assert total.content == [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]


def test_pretty_repr_shows_type_name_and_calls() -> None:
    out = AIMessage("hi", name="bot", tool_calls=[tool_call("f", {"x": 1}, "c")]).pretty_repr()
    assert "Ai Message" in out and "Name: bot" in out and 'f({"x": 1}) id=c' in out


def test_messages_survive_the_checkpoint_serializer() -> None:
    from stategraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    serde = JsonPlusSerializer()
    msgs = [AIMessage("", id="a", tool_calls=[tool_call("f", {"x": 1}, "c")]),
            ToolMessage("x", tool_call_id="c", status="error"), HumanMessage("h", name="n"),
            AIMessageChunk("x", tool_call_chunks=[{"name": "f", "args": "{}", "id": "c", "index": 0}])]
    assert serde.loads_typed(serde.dumps_typed(msgs)) == msgs
