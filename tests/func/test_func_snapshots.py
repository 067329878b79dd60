"""What an entrypoint's checkpoints look like: its values, and its task's result, as LangGraph."""

from __future__ import annotations

from typing import Any

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.func import entrypoint, task


def _counter() -> Any:
    @entrypoint(checkpointer=InMemorySaver())
    def counter(n: int, *, previous: Any = None) -> Any:
        total = (previous or 0) + n
        return entrypoint.final(value=total, save=total * 10)

    return counter


def test_input_checkpoint_values_are_none_and_task_result_is_the_bare_return(driver: Any) -> None:
    counter = _counter()
    cfg = {"configurable": {"thread_id": "t"}}
    assert driver.run(counter, 2, cfg) == 2
    latest, first = driver.history(counter, cfg)
    assert latest.values == 2 and latest.tasks == ()
    # before the entrypoint returned, its single output channel is empty: None, not {}
    assert first.values is None
    assert first.metadata["source"] == "input"
    (t,) = first.tasks
    assert t.name == "counter" and t.result == 2  # not {"__end__": 2}


def test_get_state_of_a_thread_without_checkpoints_is_an_empty_dict(driver: Any) -> None:
    counter = _counter()
    assert driver.get_state(counter, {"configurable": {"thread_id": "none"}}).values == {}


def test_checkpoints_and_debug_streams_show_the_empty_output_as_none(driver: Any) -> None:
    @task
    def inc(x: int) -> int:
        return x + 1

    @entrypoint(checkpointer=InMemorySaver())
    def main(x: int) -> int:
        return inc(x).result()

    events = driver.stream(main, 1, {"configurable": {"thread_id": "c"}}, stream_mode="checkpoints")
    assert [e["values"] for e in events] == [None, 2]
    assert [e["metadata"]["source"] for e in events] == ["input", "loop"]
    assert events[0]["next"] == ["main"]
    debug = driver.stream(main, 1, {"configurable": {"thread_id": "d"}}, stream_mode="debug")
    checkpoints = [e["payload"]["values"] for e in debug if e["type"] == "checkpoint"]
    assert checkpoints == [None, 2]


def test_resuming_an_entrypoint_with_no_output_yet_streams_values_none(driver: Any) -> None:
    from stategraph.types import Command, interrupt

    @entrypoint(checkpointer=InMemorySaver())
    def main(x: int) -> Any:
        return interrupt("answer?")

    cfg = {"configurable": {"thread_id": "r"}}
    driver.run(main, 1, cfg)
    chunks = driver.stream(main, Command(resume="yes"), cfg, stream_mode=["values", "updates"])
    assert chunks == [("values", None), ("updates", {"main": "yes"}), ("values", "yes")]
