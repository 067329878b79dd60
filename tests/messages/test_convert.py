"""Coercion of user values into messages and the lossless OpenAI-dict round trip."""

from __future__ import annotations

import pytest

from stategraph.messages import (
    AIMessage,
    AIMessageChunk,
    HumanMessage,
    RemoveMessage,
    SystemMessage,
    ToolMessage,
    coerce_message,
    convert_to_messages,
    message_from_dict,
    message_to_dict,
    to_openai,
    tool_call,
)

SAMPLES = [
    HumanMessage("hi", id="h1", name="ann"),
    SystemMessage("be brief", id="s1"),
    AIMessage("", id="a1", tool_calls=[tool_call("add", {"a": 1, "b": [2]}, "c1")]),
    AIMessage("done", id="a2", name="bot"),
    ToolMessage("3", id="t1", tool_call_id="c1", name="add"),
    ToolMessage("boom", id="t2", tool_call_id="c1", status="error"),
    RemoveMessage(id="gone"),
]


@pytest.mark.parametrize("message", SAMPLES, ids=lambda m: f"{m.type}-{m.id}")
def test_dict_round_trip_is_lossless(message) -> None:
    assert message_from_dict(message_to_dict(message)) == message


def test_openai_wire_form_uses_function_arguments_json_and_no_ids() -> None:
    wire = to_openai(SAMPLES[2])
    assert wire == {"role": "assistant", "content": None, "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": "add", "arguments": '{"a": 1, "b": [2]}'}}]}
    assert to_openai(SAMPLES[4]) == {"role": "tool", "content": "3", "name": "add", "tool_call_id": "c1"}


def test_openai_dicts_with_function_tool_calls_are_parsed() -> None:
    msg = message_from_dict({"role": "assistant", "content": None, "tool_calls": [
        {"id": "c", "type": "function", "function": {"name": "f", "arguments": '{"x": 1}'}}]})
    assert msg == AIMessage("", tool_calls=[tool_call("f", {"x": 1}, "c")])


@pytest.mark.parametrize(("value", "expected"), [
    ("hello", HumanMessage("hello")),
    (("user", "hi"), HumanMessage("hi")),
    (("ai", "yo"), AIMessage("yo")),
    (("assistant", "yo"), AIMessage("yo")),
    (("system", "s"), SystemMessage("s")),
    (("developer", "s"), SystemMessage("s")),
    ({"type": "human", "content": "x", "id": "1"}, HumanMessage("x", id="1")),
])
def test_coerce_message_accepts_strings_tuples_and_dicts(value, expected) -> None:
    assert coerce_message(value) == expected


def test_coerce_turns_chunks_into_messages_and_rejects_garbage() -> None:
    assert type(coerce_message(AIMessageChunk("x", id="1"))) is AIMessage
    with pytest.raises(TypeError, match="Cannot turn 42 into a message"):
        coerce_message(42)
    with pytest.raises(ValueError, match="Unknown message role 'robot'"):
        coerce_message(("robot", "beep"))
    with pytest.raises(ValueError, match="needs a 'role'"):
        message_from_dict({"content": "x"})


def test_convert_to_messages_wraps_single_values() -> None:
    assert convert_to_messages("hi") == [HumanMessage("hi")]
    assert convert_to_messages(("ai", "x")) == [AIMessage("x")]
    assert convert_to_messages([("user", "a"), "b"]) == [HumanMessage("a"), HumanMessage("b")]
