"""``Runtime.server_info`` comes from what a server puts in ``configurable``, as in LangGraph."""

from __future__ import annotations

from typing import TypedDict

from stategraph.graph import START, StateGraph
from stategraph.runtime import Runtime


class S(TypedDict):
    x: int


class Caller:
    identity = "ann"
    permissions = ("read",)
    display_name = "Ann"
    is_authenticated = True

    def __getitem__(self, key: str) -> object:
        return getattr(self, key)

    def __contains__(self, key: str) -> bool:
        return hasattr(self, key)

    def __iter__(self):
        return iter(("identity",))


def _graph(seen: list) -> object:
    def node(state: S, runtime: Runtime) -> dict:
        info = runtime.server_info
        seen.append(None if info is None else (info.assistant_id, info.graph_id, info.user))
        return {}

    sub = StateGraph(S).add_node("inner", node).add_edge(START, "inner").compile()
    return (
        StateGraph(S)
        .add_node("outer", node)
        .add_node("sub", sub)
        .add_edge(START, "outer")
        .add_edge("outer", "sub")
        .compile()
    )


def test_no_server_keys_no_server_info(driver) -> None:
    seen: list = []
    driver.run(_graph(seen), {"x": 1})
    assert seen == [None, None]


def test_assistant_and_graph_ids_reach_every_level(driver) -> None:
    seen: list = []
    config = {"configurable": {"assistant_id": "a1", "graph_id": "g"}}
    driver.run(_graph(seen), {"x": 1}, config)
    assert seen == [("a1", "g", None)] * 2


def test_only_a_user_object_becomes_the_user(driver) -> None:
    seen: list = []
    caller = Caller()
    driver.run(_graph(seen), {"x": 1}, {"configurable": {"langgraph_auth_user": caller}})
    driver.run(
        _graph(seen),
        {"x": 1},
        {"configurable": {"graph_id": "g", "langgraph_auth_user": {"identity": "x"}}},
    )
    assert seen == [("", "", caller)] * 2 + [("", "g", None)] * 2
