"""Helpers behind create_react_agent: pending calls, prompts, message models, routing."""

from __future__ import annotations

import pytest

from stategraph.constants import END
from stategraph.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage, tool_call
from stategraph.prebuilt._agent_nodes import (
    AgentRouter,
    PostHookRouter,
    apply_prompt,
    check_prompt,
    for_model,
    pending_calls,
    route_tool_responses,
    state_messages,
    validate_chat_history,
)
from stategraph.types import Send

lc = pytest.importorskip("langchain_core.messages")

CALLS = [tool_call("a", {}, "1"), tool_call("b", {}, "2")]


def test_pending_calls_are_the_unanswered_ones() -> None:
    history = [HumanMessage("q"), AIMessage("", tool_calls=CALLS), ToolMessage("x", tool_call_id="1")]
    assert pending_calls(history) == [CALLS[1]]
    assert pending_calls([HumanMessage("q")]) == []


def test_apply_prompt_accepts_runnables() -> None:
    class Runnable:
        def invoke(self, state: dict) -> list:
            return [SystemMessage("from runnable"), *state["messages"]]

    out = apply_prompt(Runnable(), {"messages": [HumanMessage("q")]}, [HumanMessage("q")])
    assert [m.content for m in out] == ["from runnable", "q"]
    with pytest.raises(TypeError, match="prompt must be"):
        apply_prompt(42, {}, [])


def test_langchain_models_get_langchain_messages() -> None:
    from stategraph.testing.langchain_models import FakeToolCallingChatModel

    converted = for_model(FakeToolCallingChatModel([]), [HumanMessage("q"), lc.AIMessage("a")])
    assert all(type(m).__module__.startswith("langchain_core") for m in converted)
    with pytest.raises(ValueError, match="Expected the agent state"):
        state_messages({})


def test_router_sends_each_call_of_the_last_message_or_the_whole_turn_for_handoffs() -> None:
    state = {"messages": [HumanMessage("q"), AIMessage("", tool_calls=CALLS)]}
    sends = AgentRouter("v2", "tools", END)(state)
    assert [s.arg["tool_call"]["id"] for s in sends] == ["1", "2"] and all(isinstance(s, Send) for s in sends)
    assert AgentRouter("v2", "tools", END, handoffs={"b"})(state) == "tools"
    assert AgentRouter("v1", "tools", END)(state) == "tools"
    assert AgentRouter("v2", "tools", END, post_hook="post_model_hook")(state) == "post_model_hook"
    assert AgentRouter("v2", "tools", "generate_structured_response")({"messages": [AIMessage("done")]}) \
        == "generate_structured_response"


def test_router_ends_when_the_last_message_is_not_an_ai_call() -> None:
    # e.g. "need more steps" replaced the calling message in place: the tool answers come last
    answered = {"messages": [HumanMessage("q"), AIMessage("", tool_calls=CALLS), ToolMessage("x", tool_call_id="1")]}
    assert AgentRouter("v2", "tools", END)(answered) == END
    assert AgentRouter("v2", "tools", END, post_hook="post_model_hook")(answered) == "post_model_hook"


def test_post_hook_router_sends_pending_calls_or_returns_to_the_entry() -> None:
    router = PostHookRouter("tools", END, "agent")
    history = [HumanMessage("q"), AIMessage("", tool_calls=CALLS), ToolMessage("x", tool_call_id="1")]
    sends = router({"messages": history})
    assert [s.arg["tool_call"]["id"] for s in sends] == ["2"]
    assert router({"messages": [*history, ToolMessage("y", tool_call_id="2")]}) == "agent"
    assert router({"messages": [HumanMessage("q"), AIMessage("done")]}) == END


def test_tool_responses_end_on_return_direct_tools() -> None:
    after = route_tool_responses({"b"}, "agent")
    turn = [HumanMessage("q"), AIMessage("", tool_calls=CALLS)]
    assert after({"messages": [*turn, ToolMessage("x", name="a", tool_call_id="1")]}) == END  # 'b' was called too
    only_a = [HumanMessage("q"), AIMessage("", tool_calls=CALLS[:1]), ToolMessage("x", name="a", tool_call_id="1")]
    assert after({"messages": only_a}) == "agent"
    assert after({"messages": [*only_a[:2], ToolMessage("y", name="b", tool_call_id="1")]}) == END


def test_chat_history_needs_an_answer_for_every_call() -> None:
    validate_chat_history([HumanMessage("q"), AIMessage("", tool_calls=CALLS[:1]), ToolMessage("x", tool_call_id="1")])
    with pytest.raises(ValueError, match="INVALID_CHAT_HISTORY"):
        validate_chat_history([HumanMessage("q"), AIMessage("", tool_calls=CALLS), ToolMessage("x", tool_call_id="1")])


def test_a_prompt_of_another_kind_is_refused_when_the_agent_is_built() -> None:
    with pytest.raises(ValueError, match="prompt must be"):
        check_prompt(42)
    for ok in (None, "s", SystemMessage("s"), lambda state: []):
        check_prompt(ok)
