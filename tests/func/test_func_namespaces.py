"""Namespaces of task calls: a task call lives under the task that called it."""

from __future__ import annotations

from typing import Any, TypedDict

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.config import get_config
from stategraph.func import entrypoint, task
from stategraph.graph import START, StateGraph
from stategraph.types import Command, interrupt


class S(TypedDict):
    x: int


def _graph(seen: list[list[str]]) -> Any:
    def inner(state: S) -> dict:
        return {"x": state["x"] + interrupt("inner?")}

    sub = StateGraph(S).add_node("inner", inner).add_edge(START, "inner").compile()

    @task
    def run_sub(x: int) -> int:
        ns = get_config()["metadata"]["langgraph_checkpoint_ns"]
        seen.append([part.split(":")[0] for part in ns.split("|")])
        return sub.invoke({"x": x})["x"]

    @entrypoint(checkpointer=InMemorySaver())
    def main(x: int) -> int:
        return run_sub(x).result()

    return main


def test_a_subgraph_run_in_a_task_call_streams_under_the_caller(driver: Any) -> None:
    seen: list[list[str]] = []
    main = _graph(seen)
    cfg = {"configurable": {"thread_id": "t"}}
    first = driver.stream(main, 1, cfg, subgraphs=True, stream_mode="updates")
    assert [[n.split(":")[0] for n in ns] for ns, _ in first] == [["main", "run_sub"], []]
    assert seen == [["main", "run_sub"]]
    # the subgraph's checkpoint is found again under the same namespace on resume
    second = driver.stream(main, Command(resume=5), cfg, subgraphs=True, stream_mode="updates")
    assert second[-1] == ((), {"main": 6})
    nested = [p for ns, p in second if [n.split(":")[0] for n in ns] == ["main", "run_sub"]]
    assert nested == [{"inner": {"x": 6}}]


def test_custom_chunks_of_a_task_call_come_from_its_callers_namespace(driver: Any) -> None:
    from stategraph.config import get_stream_writer

    @task
    def step(x: int) -> int:
        get_stream_writer()(("step", x))
        return x

    @entrypoint()
    def main(x: int) -> int:
        get_stream_writer()("start")
        return step(x).result()

    chunks = driver.stream(main, 5, stream_mode="custom", subgraphs=True)
    assert [(len(ns), payload) for ns, payload in chunks] == [(0, "start"), (1, ("step", 5))]
    assert chunks[1][0][0].startswith("main:")
    # without subgraphs=True the chunk is still delivered, without its namespace
    assert driver.stream(main, 5, stream_mode="custom") == ["start", ("step", 5)]
