"""Handoff tools, handoff-back messages and the strict history check."""

from __future__ import annotations

from stategraph.messages import AIMessage, HumanMessage, ToolMessage, tool_call
from stategraph.prebuilt.handoff import (
    _without_call,
    check_tool_history,
    create_handoff_back_messages,
    create_handoff_tool,
    handoff_tool_name,
)
from stategraph.prebuilt.tool_node import ToolNode
from stategraph.types import Command


def _ai(*ids: str) -> AIMessage:
    return AIMessage("", tool_calls=[tool_call("t", {}, i) for i in ids])


def _tool(call_id: str) -> ToolMessage:
    return ToolMessage("ok", tool_call_id=call_id)


def test_valid_histories_pass() -> None:
    assert check_tool_history([HumanMessage("q"), _ai("a", "b"), _tool("b"), _tool("a"), AIMessage("done")]) == []
    assert check_tool_history([]) == []


def test_unanswered_orphan_and_interleaved_calls_are_reported() -> None:
    assert check_tool_history([_ai("a")]) == ["end of history: tool calls ['a'] are unanswered"]
    assert "which no preceding AI call left open" in check_tool_history([HumanMessage("q"), _tool("x")])[0]
    problems = check_tool_history([_ai("a", "b"), _tool("a"), HumanMessage("too early"), _tool("b")])
    assert len(problems) == 2 and "unanswered" in problems[0] and "'b'" in problems[1]


def test_handoff_tool_shape_and_names() -> None:
    tool = create_handoff_tool(agent_name="Data Analyst")
    assert tool.__name__ == "transfer_to_data_analyst" == handoff_tool_name("Data Analyst")
    assert tool.__doc__ == "Ask agent 'Data Analyst' for help."
    assert tool.__handoff_destination__ == "Data Analyst"
    spec = ToolNode([tool]).tool_specs[0]["function"]
    assert spec["parameters"]["properties"] == {}  # the runtime is injected, never asked from the model


def test_handoff_back_messages_are_an_answered_pair() -> None:
    ai, answer = create_handoff_back_messages("math", "boss")
    assert ai.name == "math" and ai.tool_calls[0]["name"] == "transfer_back_to_boss"
    assert answer.tool_call_id == ai.tool_calls[0]["id"] and check_tool_history([ai, answer]) == []


def test_without_call_drops_the_calling_message_and_its_answers() -> None:
    history = [HumanMessage("q", id="h"), _ai("x", "y"), _tool("x")]
    assert _without_call(history, "y") == [history[0]]
    assert _without_call(history, "zzz") == history


def test_handoff_command_goes_to_the_parent() -> None:
    from stategraph.prebuilt._injection import ToolRuntime

    tool = create_handoff_tool(agent_name="bob", extra_update={"active_agent": "bob"})
    cmd = tool(runtime=ToolRuntime(state={"messages": [_ai("c")]}, tool_call_id="c"))
    assert isinstance(cmd, Command) and (cmd.goto, cmd.graph) == ("bob", Command.PARENT)
    assert cmd.update["active_agent"] == "bob" and check_tool_history(cmd.update["messages"]) == []
