"""Cooperative drain: ``control=RunControl()`` stops a run at the next superstep boundary.

The run raises ``GraphDrained`` with the reason; what finished before is saved, and
``invoke(None, config)`` carries on from there without repeating it.
"""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

import pytest

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.errors import GraphBubbleUp, GraphDrained
from stategraph.graph import START, StateGraph
from stategraph.runtime import RunControl, Runtime


class S(TypedDict):
    log: Annotated[list, operator.add]


def _chain(control: RunControl, calls: list[str], drain_in: str = "a") -> object:
    def step(name: str):
        def node(state: S, runtime: Runtime) -> dict:
            calls.append(name)
            assert runtime.control in (control, None)  # None: resumed without a handle
            if name == drain_in:
                control.request_drain("deploy")
            return {"log": [name]}

        return node

    return (
        StateGraph(S)
        .add_node("a", step("a"))
        .add_node("b", step("b"))
        .add_node("c", step("c"))
        .add_edge(START, "a")
        .add_edge("a", "b")
        .add_edge("b", "c")
        .compile(checkpointer=InMemorySaver())
    )


def test_drain_stops_after_the_step_and_resume_finishes_the_rest(driver) -> None:
    control, calls = RunControl(), []
    graph = _chain(control, calls)
    config = {"configurable": {"thread_id": "t"}}
    with pytest.raises(GraphDrained) as info:
        driver.run(graph, {"log": []}, config, control=control)
    assert info.value.reason == "deploy"
    assert str(info.value) == "Graph drained: deploy"
    assert isinstance(info.value, GraphBubbleUp)
    snapshot = driver.get_state(graph, config)
    assert snapshot.values == {"log": ["a"]}
    assert snapshot.next == ("b",)
    assert [t.error for t in snapshot.tasks] == [None]
    assert calls == ["a"]
    # the control stays drained; a resume with a fresh handle (or none) completes the run
    assert driver.run(graph, None, config) == {"log": ["a", "b", "c"]}
    assert calls == ["a", "b", "c"]


def test_a_drained_control_stops_before_the_first_node(driver) -> None:
    control, calls = RunControl(), []
    control.request_drain()
    graph = _chain(control, calls, drain_in="none")
    config = {"configurable": {"thread_id": "t"}}
    with pytest.raises(GraphDrained, match="shutdown"):
        driver.stream(graph, {"log": []}, config, control=control, stream_mode=["values", "updates"])
    assert calls == []
    assert driver.get_state(graph, config).next == ("__start__",)


def test_without_control_nothing_drains_and_runtime_control_is_none(driver) -> None:
    seen: list[object] = []

    def node(state: S, runtime: Runtime) -> dict:
        seen.append((runtime.control, runtime.drain_requested, runtime.drain_reason))
        return {"log": ["n"]}

    graph = StateGraph(S).add_node("n", node).add_edge(START, "n").compile()
    assert driver.run(graph, {"log": []}) == {"log": ["n"]}
    assert seen == [(None, False, None)]


def test_drain_inside_a_subgraph_bubbles_to_the_parent_and_resumes(driver) -> None:
    control, calls = RunControl(), []
    sub = _chain(control, calls, drain_in="a")
    sub.checkpointer = None  # the parent's saver

    def side(state: S) -> dict:
        calls.append("side")
        return {"log": ["side"]}

    parent = (
        StateGraph(S)
        .add_node("sub", sub)
        .add_node("side", side)
        .add_edge(START, "sub")
        .add_edge(START, "side")
        .compile(checkpointer=InMemorySaver())
    )
    config = {"configurable": {"thread_id": "p"}}
    with pytest.raises(GraphDrained, match="deploy"):
        driver.run(parent, {"log": []}, config, control=control)
    snapshot = driver.get_state(parent, config)
    assert snapshot.next == ("sub",)
    assert [(t.name, t.error) for t in snapshot.tasks] == [("sub", None), ("side", None)]
    assert driver.run(parent, None, config) == {"log": ["side", "a", "b", "c"]}
    assert calls.count("side") == 1
