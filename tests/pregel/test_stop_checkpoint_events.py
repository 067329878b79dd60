"""A run that stops (interrupt_after, recursion limit) still streams its last checkpoint
(checkpoints, debug), with the tasks a resume would run next."""

from __future__ import annotations

import asyncio
import operator
from typing import Annotated

import pytest
from typing_extensions import TypedDict

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.errors import GraphRecursionError
from stategraph.graph import START, StateGraph


class S(TypedDict):
    log: Annotated[list, operator.add]


def _graph(**kw):
    return (
        StateGraph(S)
        .add_node("a", lambda s: {"log": ["a"]})
        .add_node("b", lambda s: {"log": ["b"]})
        .add_edge(START, "a")
        .add_edge("a", "b")
        .compile(checkpointer=InMemorySaver(), **kw)
    )


def test_checkpoints_mode_streams_the_checkpoint_an_interrupt_after_stops_at(driver) -> None:
    graph = _graph(interrupt_after=["a"])
    config = {"configurable": {"thread_id": "t"}}
    first = driver.stream(graph, {"log": []}, config, stream_mode="checkpoints")
    assert [(c["metadata"]["step"], c["next"]) for c in first] == [
        (-1, ["__start__"]),
        (0, ["a"]),
        (1, ["b"]),
    ]
    last = first[-1]
    assert last["values"] == {"log": ["a"]}
    assert [t["name"] for t in last["tasks"]] == ["b"]
    # the task announced is the one the resume runs
    resumed = driver.stream(graph, None, config, stream_mode="checkpoints")
    assert [(c["metadata"]["step"], c["next"]) for c in resumed] == [(1, ["b"]), (2, [])]
    assert resumed[0]["tasks"][0]["id"] == last["tasks"][0]["id"]


def test_debug_mode_ends_with_the_checkpoint_of_the_interrupted_step(driver) -> None:
    graph = _graph(interrupt_after=["b"])
    config = {"configurable": {"thread_id": "t"}}
    events = driver.stream(graph, {"log": []}, config, stream_mode="debug")
    assert [(e["type"], e["step"]) for e in events][-2:] == [("task_result", 2), ("checkpoint", 2)]
    assert events[-1]["payload"]["next"] == []


def test_interrupt_after_streams_each_checkpoint_once(driver) -> None:
    graph = _graph(interrupt_after=["b"])
    config = {"configurable": {"thread_id": "t"}}
    steps = [
        c["metadata"]["step"]
        for c in driver.stream(graph, {"log": []}, config, stream_mode="checkpoints")
    ]
    assert steps == [-1, 0, 1, 2]


def _loop_graph():
    return (
        StateGraph(S)
        .add_node("a", lambda s: {"log": ["a"]})
        .add_edge(START, "a")
        .add_edge("a", "a")
        .compile(checkpointer=InMemorySaver())
    )


def _collect_until_error(driver, graph, config, mode) -> list:
    got: list = []
    if not driver.is_async:
        with pytest.raises(GraphRecursionError):
            got.extend(graph.stream({"log": []}, config, stream_mode=mode))
        return got

    async def collect() -> None:
        async for chunk in graph.astream({"log": []}, config, stream_mode=mode):
            got.append(chunk)

    with pytest.raises(GraphRecursionError):
        asyncio.run(collect())
    return got


@pytest.mark.parametrize("mode", ["checkpoints", "debug"])
def test_recursion_limit_streams_the_last_checkpoint_before_raising(driver, mode) -> None:
    config = {"configurable": {"thread_id": "t"}, "recursion_limit": 3}
    got = _collect_until_error(driver, _loop_graph(), config, mode)
    saved = [e["payload"] if mode == "debug" else e for e in got]
    saved = [c for c in saved if "next" in c]
    assert [(c["metadata"]["step"], c["next"]) for c in saved] == [
        (-1, ["__start__"]),
        (0, ["a"]),
        (1, ["a"]),
        (2, ["a"]),
        (3, ["a"]),
    ]
