"""create_supervisor: a scripted multi-turn team conversation whose history stays valid."""

from __future__ import annotations

from typing import Any

import pytest

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.prebuilt import create_react_agent
from stategraph.prebuilt.handoff import check_tool_history
from stategraph.prebuilt.supervisor import create_supervisor
from stategraph.testing import FakeChatModel, ai, call


def search(query: str) -> str:
    """Search."""
    return f"facts about {query}"


def add(a: int, b: int) -> int:
    """Add."""
    return a + b


def team(supervisor_script: list[Any], **kw: Any) -> Any:
    research = create_react_agent(FakeChatModel([ai("", call("search", {"query": "q"}, "r1")), "research done"],
                                                cycle=True), [search], name="research")
    math = create_react_agent(FakeChatModel([ai("", call("add", {"a": 1, "b": 2}, "m1")), "math done"], cycle=True),
                              [add], name="math")
    return create_supervisor([research, math], model=FakeChatModel(supervisor_script), **kw)


def summary(messages: list[Any]) -> list[tuple[str, Any, str]]:
    return [(m.type, m.name, m.content) for m in messages]


def test_multi_turn_conversation_keeps_a_valid_history(driver) -> None:
    graph = team([
        ai("", call("transfer_to_research", {}, "s1")),
        # two handoffs at once: the first wins, the second is answered with an error
        ai("", call("transfer_to_math", {}, "s2"), call("transfer_to_research", {}, "s3")),
        "Both done.",
        ai("", call("transfer_to_math", {}, "s4")),
        "Math again done.",
    ]).compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "team"}}
    first = driver.run(graph, {"messages": [("user", "research then add")]}, config)
    assert check_tool_history(first["messages"]) == []
    names = [m.name for m in first["messages"] if m.type == "ai" and m.content and "Transferring" not in m.content]
    assert names == ["research", "math", "supervisor"]
    rejected = next(m for m in first["messages"] if getattr(m, "tool_call_id", None) == "s3")
    assert rejected.status == "error" and "one handoff tool at a time" in rejected.content
    second = driver.run(graph, {"messages": [("user", "add again")]}, config)
    assert check_tool_history(second["messages"]) == []
    assert summary(second["messages"])[-1] == ("ai", "supervisor", "Math again done.")
    assert len(second["messages"]) > len(first["messages"])


def test_full_history_brings_the_agents_tool_calls_along() -> None:
    graph = team([ai("", call("transfer_to_math", {}, "s1")), "ok"], output_mode="full_history").compile()
    out = graph.invoke({"messages": [("user", "add")]})
    assert check_tool_history(out["messages"]) == []
    assert [m.content for m in out["messages"] if m.type == "tool" and m.name == "add"] == ["3"]


def test_without_handoff_messages_no_call_is_left_unanswered() -> None:
    graph = team([ai("", call("transfer_to_math", {}, "s1")), "ok"], add_handoff_messages=False).compile()
    out = graph.invoke({"messages": [("user", "add")]})
    assert check_tool_history(out["messages"]) == []
    assert [m.content for m in out["messages"]] == ["add", "math done", "ok"]


def test_inline_agent_names_and_custom_prefix() -> None:
    graph = team([ai("", call("delegate_math", {}, "s1")), "ok"], include_agent_name="inline",
                 handoff_tool_prefix="delegate_").compile()
    out = graph.invoke({"messages": [("user", "add")]})
    assert "<name>math</name><content>math done</content>" in [m.content for m in out["messages"]]


def test_agents_need_unique_names_and_a_known_output_mode() -> None:
    nameless = create_react_agent(FakeChatModel([]), [])
    with pytest.raises(ValueError, match="has no name"):
        create_supervisor([nameless], model=FakeChatModel([]))
    twin = create_react_agent(FakeChatModel([]), [], name="a")
    with pytest.raises(ValueError, match="unique"):
        create_supervisor([twin, twin], model=FakeChatModel([]))
    with pytest.raises(ValueError, match="output_mode"):
        create_supervisor([twin], model=FakeChatModel([]), output_mode="some")  # type: ignore[arg-type]
