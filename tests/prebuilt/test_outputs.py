"""Tool results as messages, and folding a handoff with its sibling answers."""

from __future__ import annotations

import pytest

import stategraph.prebuilt._outputs as outputs
from stategraph.messages import AIMessage, ToolMessage, tool_call
from stategraph.prebuilt._outputs import fold_parent_command, result_to_output
from stategraph.types import Command

CALLS = [tool_call("a", {}, "1"), tool_call("handoff", {}, "2"), tool_call("b", {}, "3")]
AI = AIMessage("", id="ai", tool_calls=CALLS)


@pytest.fixture(autouse=True)
def own_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outputs, "langchain_loaded", lambda: False)


def handoff(call_id: str, messages: list) -> Command:
    return Command(graph=Command.PARENT, goto="x", update={"messages": messages})


def test_results_become_tool_messages_with_json_for_data() -> None:
    call = CALLS[0]
    assert result_to_output(5, call, "messages").content == "5"
    assert result_to_output({"k": [1]}, call, "messages").content == '{"k": [1]}'
    assert result_to_output([{"type": "text", "text": "x"}], call, "messages").content == [{"type": "text", "text": "x"}]
    assert result_to_output(object, call, "messages").content.startswith("<class")
    assert result_to_output([], call, "messages").content == []


def test_lists_other_than_content_blocks_become_json_as_in_langgraph() -> None:
    call = CALLS[0]
    assert result_to_output(["a", "b"], call, "messages").content == '["a", "b"]'
    assert result_to_output([{"k": 1}], call, "messages").content == '[{"k": 1}]'
    mixed = [{"type": "text", "text": "t"}, "a"]
    assert result_to_output(mixed, call, "messages").content == '[{"type": "text", "text": "t"}, "a"]'
    image = [{"type": "image", "url": "https://example.com/a.png"}]
    assert result_to_output(image, call, "messages").content == image
    mine = ToolMessage("mine", tool_call_id="1")
    assert result_to_output(mine, call, "messages") is mine


def test_fold_puts_every_answer_after_the_calling_message_in_call_order() -> None:
    answer = ToolMessage("moved", tool_call_id="2")
    outs = [ToolMessage("A", tool_call_id="1"), handoff("2", [AI, answer]), ToolMessage("B", tool_call_id="3")]
    folded = fold_parent_command(outs, CALLS, "messages")
    assert [m.content for m in folded.update["messages"]] == ["", "A", "moved", "B"]
    assert folded.graph == Command.PARENT and folded.goto == "x"


def test_second_handoff_is_answered_with_an_error() -> None:
    calls = [tool_call("h1", {}, "1"), tool_call("h2", {}, "2")]
    ai = AIMessage("", tool_calls=calls)
    outs = [handoff("1", [ai, ToolMessage("ok", tool_call_id="1")]), handoff("2", [ai, ToolMessage("ok", tool_call_id="2")])]
    msgs = fold_parent_command(outs, calls, "messages").update["messages"]
    assert [(m.tool_call_id, m.status) for m in msgs[1:]] == [("1", "success"), ("2", "error")]


def test_local_command_answers_travel_and_handoff_without_history_drops_answers() -> None:
    local = Command(update={"messages": [ToolMessage("L", tool_call_id="1")], "other": 1})
    outs = [local, handoff("2", [AI, ToolMessage("moved", tool_call_id="2")]), ToolMessage("B", tool_call_id="3")]
    assert [m.content for m in fold_parent_command(outs, CALLS, "messages").update["messages"]] == ["", "L", "moved", "B"]
    bare = fold_parent_command([ToolMessage("A", tool_call_id="1"), handoff("2", []), ToolMessage("B", tool_call_id="3")],
                               CALLS, "messages")
    assert bare.update["messages"] == []


def test_command_update_as_pairs_is_understood() -> None:
    cmd = Command(update=[("messages", [ToolMessage("x", tool_call_id="1")])])
    out = result_to_output(cmd, CALLS[0], "messages")
    assert out.update == [("messages", [ToolMessage("x", tool_call_id="1", name="a")])]


def test_a_local_command_names_its_answer_after_the_tool_and_must_answer() -> None:
    answer = ToolMessage("x", tool_call_id="1")
    out = result_to_output(Command(update={"messages": [answer], "n": 1}), CALLS[0], "messages")
    assert out.update["messages"][0].name == "a" and answer.name is None  # a copy, as LangGraph's deepcopy
    with pytest.raises(ValueError, match="no ToolMessage answering"):
        result_to_output(Command(update={"n": 1}), CALLS[0], "messages")
    bare = Command(goto="x")
    assert result_to_output(bare, CALLS[0], "messages") is bare  # no update: nothing to answer with
    from stategraph.graph.message import REMOVE_ALL_MESSAGES
    from stategraph.messages import RemoveMessage

    wipe = Command(update={"messages": [RemoveMessage(id=REMOVE_ALL_MESSAGES)]})
    assert result_to_output(wipe, CALLS[0], "messages") is wipe


def test_a_list_result_must_answer_the_call_exactly_once() -> None:
    once = [Command(update={"n": 1}), ToolMessage("x", tool_call_id="1")]
    assert result_to_output(once, CALLS[0], "messages")[1].content == "x"
    for wrong in ([Command(update={"n": 1})], [ToolMessage("x", tool_call_id="1")] * 2):
        with pytest.raises(ValueError, match="exactly one"):
            result_to_output(wrong, CALLS[0], "messages")
