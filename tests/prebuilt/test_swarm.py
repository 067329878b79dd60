"""create_swarm: agents hand off to each other; the active agent survives across turns."""

from __future__ import annotations

from typing import Any

import pytest

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.prebuilt import create_react_agent
from stategraph.prebuilt.handoff import check_tool_history
from stategraph.prebuilt.swarm import create_handoff_tool, create_swarm
from stategraph.testing import FakeChatModel, ai, call


def add(a: int, b: int) -> int:
    """Add."""
    return a + b

def swarm(alice_script: list[Any], bob_script: list[Any]) -> Any:
    alice = create_react_agent(FakeChatModel(alice_script), [add, create_handoff_tool(agent_name="bob")], name="alice")
    bob = create_react_agent(FakeChatModel(bob_script), [create_handoff_tool(agent_name="alice")], name="bob")
    return create_swarm([alice, bob], default_active_agent="alice")

def test_multi_turn_handoffs_remember_the_active_agent(driver) -> None:
    graph = swarm(
        # turn 1: alice hands off to bob *and* calls a tool in the same message
        [ai("", call("transfer_to_bob", {}, "a1"), call("add", {"a": 1, "b": 1}, "a2")), "Alice back: 2"],
        ["Bob here.", ai("", call("transfer_to_alice", {}, "b1"))],
    ).compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "s"}}
    first = driver.run(graph, {"messages": [("user", "hi")]}, config)
    assert first["active_agent"] == "bob" and first["messages"][-1].content == "Bob here."
    assert check_tool_history(first["messages"]) == []
    assert {m.tool_call_id: m.content for m in first["messages"] if m.type == "tool"} == {
        "a1": "Successfully transferred to bob", "a2": "2"}
    second = driver.run(graph, {"messages": [("user", "back to alice please")]}, config)
    assert second["active_agent"] == "alice" and second["messages"][-1].content == "Alice back: 2"
    assert check_tool_history(second["messages"]) == []
    assert [m.name for m in second["messages"] if m.type == "ai"] == ["alice", "bob", "bob", "alice"]

def test_graph_draws_handoff_destinations() -> None:
    graph = swarm([], []).compile()
    edges = {(e.source, e.target) for e in graph.get_graph().edges}
    assert {("alice", "bob"), ("bob", "alice"), ("__start__", "alice"), ("__start__", "bob")} <= edges

def test_default_agent_must_exist_and_names_must_be_unique() -> None:
    a = create_react_agent(FakeChatModel([]), [], name="a")
    with pytest.raises(ValueError, match="not one of the agents"):
        create_swarm([a], default_active_agent="b")
    with pytest.raises(ValueError, match="unique name"):
        create_swarm([a, a], default_active_agent="a")


def test_swarm_state_leaves_the_active_agent_optional() -> None:
    from stategraph.prebuilt.swarm import SwarmState

    assert SwarmState.__required_keys__ == {"messages"}
    assert SwarmState.__optional_keys__ == {"active_agent"}
