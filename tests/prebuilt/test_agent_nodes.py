"""Helpers behind create_react_agent: pending calls, prompts, message models, routing."""

from __future__ import annotations

import pytest

from stategraph.constants import END
from stategraph.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage, tool_call
from stategraph.prebuilt._agent_nodes import (
    AgentRouter,
    apply_prompt,
    for_model,
    pending_calls,
    state_messages,
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


def test_router_sends_each_pending_call_or_the_whole_turn_for_handoffs() -> None:
    state = {"messages": [HumanMessage("q"), AIMessage("", tool_calls=CALLS)]}
    sends = AgentRouter("v2", "tools", END, "agent")(state)
    assert [s.arg["tool_call"]["id"] for s in sends] == ["1", "2"] and all(isinstance(s, Send) for s in sends)
    assert AgentRouter("v2", "tools", END, "agent", handoffs={"b"})(state) == "tools"
    assert AgentRouter("v1", "tools", END, "agent")(state) == "tools"
    answered = {"messages": [*state["messages"], ToolMessage("x", tool_call_id="1"), ToolMessage("y", tool_call_id="2")]}
    assert AgentRouter("v2", "tools", END, "agent")(answered) == "agent"  # a hook answered them
    assert AgentRouter("v2", None, "generate_structured_response", "agent")({"messages": [AIMessage("done")]}) \
        == "generate_structured_response"
