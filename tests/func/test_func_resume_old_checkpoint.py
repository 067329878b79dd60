"""An entrypoint resumed at a checkpoint its thread moved past reruns its finished tasks."""

from __future__ import annotations

from typing import Any

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.func import entrypoint, task
from stategraph.types import Command, interrupt


def test_tasks_rerun_when_resuming_a_superseded_checkpoint(driver: Any) -> None:
    calls: list[int] = []

    @task
    def inc(x: int) -> int:
        calls.append(x)
        return x + 1

    @entrypoint(checkpointer=InMemorySaver())
    def flow(x: int) -> list:
        return [inc(x).result(), interrupt("first"), interrupt("second")]

    config = {"configurable": {"thread_id": "t"}}
    driver.run(flow, 1, config)
    paused = flow.get_state(config)
    driver.run(flow, Command(resume="B"), config)
    assert calls == [1]  # resuming the head reuses the recorded result
    assert driver.run(flow, Command(resume="C"), config) == [2, "B", "C"]
    assert calls == [1]
    calls.clear()
    # the thread moved past the paused checkpoint: resuming it reruns the task, and both
    # questions get the answers recorded there
    assert driver.run(flow, Command(resume="Z"), paused.config) == [2, "B", "C"]
    assert calls == [1]
