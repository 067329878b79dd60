"""The sync driver's executor: parallel tasks run on threads that later runs reuse."""

from __future__ import annotations

import threading
import time
from typing import Any, TypedDict

from stategraph.graph import END, START, StateGraph
from stategraph.pregel import _sync_driver
from stategraph.types import Send


class State(TypedDict, total=False):
    n: int
    seen: list[str]


def fanout_graph(threads: set[str], *, sleep: float = 0.0) -> Any:
    def spread(state: State) -> list[Send]:
        return [Send("work", {}) for _ in range(state["n"])]

    def work(_: Any) -> dict[str, Any]:
        threads.add(threading.current_thread().name)
        time.sleep(sleep)
        return {}

    g = StateGraph(State)
    g.add_node("work", work)
    g.add_conditional_edges(START, spread, ["work"])
    g.add_edge("work", END)
    return g.compile()


def test_a_finished_run_hands_its_executor_to_the_next_run() -> None:
    _sync_driver._IDLE_EXECUTORS.clear()
    threads: set[str] = set()
    fanout_graph(threads, sleep=0.01).invoke({"n": 4})
    assert len(threads) > 1  # the Sends ran in parallel
    [executor] = _sync_driver._IDLE_EXECUTORS
    fanout_graph(set()).invoke({"n": 4})
    assert _sync_driver._IDLE_EXECUTORS == [executor]  # taken by the second run, then handed back


def test_a_run_with_max_concurrency_keeps_its_own_executor() -> None:
    _sync_driver._IDLE_EXECUTORS.clear()
    fanout_graph(set()).invoke({"n": 3}, {"max_concurrency": 2})
    assert _sync_driver._IDLE_EXECUTORS == []


def test_a_run_left_with_work_in_flight_does_not_hand_over_its_executor() -> None:
    _sync_driver._IDLE_EXECUTORS.clear()
    release = threading.Event()
    run = _sync_driver.SyncRun()
    future = run.submit(release.wait)
    run.close()
    assert _sync_driver._IDLE_EXECUTORS == []
    release.set()
    future.result(timeout=5)


def test_the_idle_pool_is_bounded() -> None:
    _sync_driver._IDLE_EXECUTORS.clear()
    runs = [_sync_driver.SyncRun() for _ in range(_sync_driver._KEEP_IDLE + 2)]
    for run in runs:
        run.submit(lambda: None).result(timeout=5)
    for run in runs:
        run.close()
    assert len(_sync_driver._IDLE_EXECUTORS) == _sync_driver._KEEP_IDLE


def test_a_long_run_does_not_keep_its_finished_futures() -> None:
    run = _sync_driver.SyncRun()
    for _ in range(2000):
        run.submit(lambda: None).result(timeout=5)
    assert len(run._futures) <= 256
    run.close()
