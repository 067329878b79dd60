"""find_subgraphs: the graph a node is, or the graph its function refers to."""

from __future__ import annotations

from typing import Any, TypedDict

from stategraph.graph import START, StateGraph
from stategraph.graph._subgraphs import find_subgraphs


class State(TypedDict, total=False):
    x: int


def compiled(**kw: Any) -> Any:
    g = StateGraph(State)
    g.add_node("a", lambda s: {"x": 1}).add_edge(START, "a")
    return g.compile(**kw)


MODULE_CHILD = compiled()


def test_a_graph_node_is_its_own_subgraph() -> None:
    child = compiled()
    assert find_subgraphs(child) == [child]


def test_a_function_reading_a_global_graph() -> None:
    def node(state: State) -> Any:
        return MODULE_CHILD.invoke(state)

    assert find_subgraphs(node) == [MODULE_CHILD]


def test_a_function_closing_over_a_graph_or_its_bound_method() -> None:
    child = compiled()
    run = child.invoke

    def by_graph(state: State) -> Any:
        return child.invoke(state)

    def by_method(state: State) -> Any:
        return run(state)

    assert find_subgraphs(by_graph) == [child]
    assert find_subgraphs(by_method) == [child]


def test_plain_functions_and_stateless_graphs_are_not_subgraphs() -> None:
    stateless = compiled(checkpointer=False)

    def node(state: State) -> Any:
        return stateless.invoke(state)

    assert find_subgraphs(lambda s: {"x": 2}) == []
    assert find_subgraphs(stateless) == []
    assert find_subgraphs(node) == []
