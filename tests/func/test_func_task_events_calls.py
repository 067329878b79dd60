"""The tasks/debug stream events of task calls inside an entrypoint (start and result)."""

from __future__ import annotations

from typing import Any

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.func import entrypoint, task
from stategraph.types import Command, interrupt


def test_each_task_call_has_a_start_event_with_its_arguments(driver: Any) -> None:
    @task
    def inc(x: int, *, by: int = 1) -> int:
        return x + by

    @entrypoint(checkpointer=InMemorySaver())
    def main(x: int) -> int:
        return inc(inc(x).result(), by=5).result()

    events = driver.stream(main, 1, {"configurable": {"thread_id": "t"}}, stream_mode="tasks")
    starts = [e for e in events if "input" in e]
    results = [e for e in events if "result" in e]
    assert [(e["name"], e["input"], e["triggers"]) for e in starts] == [
        ("main", 1, ("__start__",)),
        ("inc", ((1,), {}), ("__pregel_push",)),
        ("inc", ((2,), {"by": 5}), ("__pregel_push",)),
    ]
    assert [(e["name"], e["result"]) for e in results] == [
        ("inc", {"__return__": 2}),
        ("inc", {"__return__": 7}),
        ("main", {"__end__": 7}),
    ]
    # each call's start precedes its result, and they share the id
    for start in starts[1:]:
        ids = [e["id"] for e in events]
        assert ids.count(start["id"]) == 2
        assert events.index(start) < len(events) - 1 - ids[::-1].index(start["id"])


def test_debug_stream_has_task_events_for_task_calls(driver: Any) -> None:
    @task
    def inc(x: int) -> int:
        return x + 1

    @entrypoint(checkpointer=InMemorySaver())
    def main(x: int) -> int:
        return inc(x).result()

    events = driver.stream(main, 1, {"configurable": {"thread_id": "d"}}, stream_mode="debug")
    kinds = [(e["type"], e["payload"].get("name")) for e in events]
    assert kinds == [
        ("checkpoint", None),
        ("task", "main"),
        ("task", "inc"),
        ("task_result", "inc"),
        ("task_result", "main"),
        ("checkpoint", None),
    ]


def test_a_resumed_call_that_finds_its_result_still_announces_its_start(driver: Any) -> None:
    @task
    def first(x: int) -> int:
        return x + 1

    @task
    def ask(x: int) -> int:
        return x + interrupt("more?")

    @entrypoint(checkpointer=InMemorySaver())
    def main(x: int) -> int:
        return ask(first(x).result()).result()

    cfg = {"configurable": {"thread_id": "r"}}
    driver.run(main, 1, cfg)
    events = driver.stream(main, Command(resume=10), cfg, stream_mode="tasks")
    assert [e["name"] for e in events if "input" in e] == ["main", "first", "ask"]
    assert events[-1]["result"] == {"__end__": 12}


def test_an_interrupted_task_call_is_reported_once_by_its_caller(driver: Any) -> None:
    @task
    def ask(x: int) -> int:
        return x + interrupt("more?")

    @entrypoint(checkpointer=InMemorySaver())
    def main(x: int) -> int:
        return ask(x).result()

    cfg = {"configurable": {"thread_id": "i"}}
    chunks = driver.stream(main, 1, cfg, stream_mode=["updates", "values", "tasks"])
    shapes = [(mode, e.get("name") if mode == "tasks" else sorted(e)) for mode, e in chunks]
    assert shapes == [
        ("tasks", "main"),
        ("tasks", "ask"),
        ("updates", ["__interrupt__"]),
        ("values", ["__interrupt__"]),  # the entrypoint has no output yet: only the interrupts
        ("tasks", "main"),
    ]
    (interrupt_,) = chunks[-1][1]["interrupts"]
    assert interrupt_["value"] == "more?"
