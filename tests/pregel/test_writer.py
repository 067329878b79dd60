"""durability="async" group commit: when the committer commits, and what a run waits for."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import pytest

from stategraph.pregel import _writer
from stategraph.pregel._writer import GROUP_DELAY, GROUP_OPS, _Committer


class RecordingSaver:
    """Records each batch with the time it was committed."""

    def __init__(self, fail_on: Any = None) -> None:
        self.batches: list[tuple[float, list[Any]]] = []
        self.fail_on = fail_on
        self.lock = threading.Lock()

    def batch(self, ops: Sequence[tuple[Any, ...]]) -> list[Any]:
        if self.fail_on is not None and any(op[1] == self.fail_on for op in ops):
            raise RuntimeError("commit failed")
        with self.lock:
            self.batches.append((time.monotonic(), list(ops)))
        return [None] * len(ops)

    def committed(self) -> list[Any]:
        with self.lock:
            return [op[1] for _, ops in self.batches for op in ops]


def _wait_until(predicate: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.002)
    return predicate()


def test_the_default_bound_is_a_few_milliseconds() -> None:
    assert 0 < GROUP_DELAY <= 0.01 and GROUP_OPS >= 1


def test_ops_wait_for_the_delay_then_commit_as_one_group() -> None:
    saver = RecordingSaver()
    committer = _Committer(saver, delay=0.3, max_ops=1000)
    run = object()
    started = time.monotonic()
    for n in range(5):
        committer.submit(run, ("put_writes", n))
    time.sleep(0.1)
    assert saver.committed() == []  # still inside the delay: grouped, not committed
    assert _wait_until(lambda: saver.committed() == [0, 1, 2, 3, 4])
    assert len(saver.batches) == 1
    assert saver.batches[0][0] - started >= 0.3


def test_a_full_group_commits_without_waiting_for_the_delay() -> None:
    saver = RecordingSaver()
    committer = _Committer(saver, delay=60.0, max_ops=3)
    run = object()
    for n in range(3):
        committer.submit(run, ("put_writes", n))
    assert _wait_until(lambda: saver.committed() == [0, 1, 2], timeout=2.0)


def test_flush_commits_at_once_and_returns_after_the_commit() -> None:
    saver = RecordingSaver()
    committer = _Committer(saver, delay=60.0, max_ops=1000)
    run, other = object(), object()
    committer.submit(other, ("put_writes", "other"))
    committer.submit(run, ("put_writes", "mine"))
    started = time.monotonic()
    committer.flush(run)
    assert time.monotonic() - started < 5.0
    assert "mine" in saver.committed()


def test_a_failed_group_is_raised_to_its_run_at_the_next_flush() -> None:
    saver = RecordingSaver(fail_on="bad")
    committer = _Committer(saver, delay=60.0, max_ops=1000)
    run = object()
    committer.submit(run, ("put_writes", "bad"))
    with pytest.raises(RuntimeError, match="commit failed"):
        committer.flush(run)
    committer.flush(run)  # raised once


def test_a_failed_group_fails_only_the_run_whose_ops_fail() -> None:
    saver = RecordingSaver(fail_on="bad")
    committer = _Committer(saver, delay=60.0, max_ops=1000)
    good, bad = object(), object()
    committer.submit(good, ("put_writes", "fine"))
    committer.submit(bad, ("put_writes", "bad"))
    committer.submit(good, ("put_writes", "also fine"))
    with pytest.raises(RuntimeError, match="commit failed"):
        committer.flush(bad)
    committer.flush(good)  # its ops were committed on their own: nothing to raise
    assert saver.committed() == ["fine", "also fine"]


def test_the_committer_is_shared_per_saver() -> None:
    saver = RecordingSaver()
    first, second = _writer.ThreadWriter(saver), _writer.ThreadWriter(saver)
    assert first.committer is second.committer
    first.submit(("put_writes", 1))
    second.submit(("put_writes", 2))
    first.flush()
    second.flush()
    assert sorted(saver.committed()) == [1, 2]


def test_flush_commits_in_the_waiting_thread_when_no_commit_is_under_way() -> None:
    saver = RecordingSaver()
    threads: list[int] = []
    batch = saver.batch

    def recording_batch(ops: Sequence[tuple[Any, ...]]) -> list[Any]:
        threads.append(threading.get_ident())
        return batch(ops)

    saver.batch = recording_batch  # type: ignore[method-assign]
    committer = _Committer(saver, delay=60.0, max_ops=1000)
    run = object()
    committer.submit(run, ("put_writes", 1))
    committer.flush(run)
    assert saver.committed() == [1]
    assert threads == [threading.get_ident()]  # no hand-off to the worker and back


def _slow_first(release: threading.Event) -> RecordingSaver:
    """A saver whose batch holding the op "first" commits only once ``release`` is set."""
    saver = RecordingSaver()
    batch = saver.batch

    def slow_first_batch(ops: Sequence[tuple[Any, ...]]) -> list[Any]:
        if ops[0][1] == "first":
            release.wait(5.0)
        return batch(ops)

    saver.batch = slow_first_batch  # type: ignore[method-assign]
    return saver


def test_a_flush_during_a_commit_waits_for_it_and_keeps_the_order() -> None:
    release = threading.Event()
    saver = _slow_first(release)
    committer = _Committer(saver, delay=0.0, max_ops=1000)
    run = object()
    committer.submit(run, ("put_writes", "first"))
    assert _wait_until(lambda: committer.busy)  # the worker is committing "first"
    committer.submit(run, ("put_writes", "second"))
    threading.Timer(0.05, release.set).start()
    committer.flush(run)
    assert saver.committed() == ["first", "second"]
    assert [len(ops) for _, ops in saver.batches] == [1, 1]


def test_runs_waiting_on_a_commit_sleep_until_it_ends() -> None:
    """Runs flushing during a long commit wait once each; they never wake one another."""
    release = threading.Event()
    saver = _slow_first(release)
    committer = _Committer(saver, delay=0.0, max_ops=1000)
    wakeups = 0
    real_wait = committer.cond.wait

    def counted_wait(timeout: float | None = None) -> bool:
        nonlocal wakeups
        woke = real_wait(timeout)
        wakeups += 1
        return woke

    committer.cond.wait = counted_wait  # type: ignore[method-assign]
    first = object()
    committer.submit(first, ("put_writes", "first"))
    assert _wait_until(lambda: committer.busy)
    runs = [object() for _ in range(5)]
    for run in runs:
        committer.submit(run, ("put_writes", "later"))
    waiting = [threading.Thread(target=committer.flush, args=(run,)) for run in runs]
    for thread in waiting:
        thread.start()
    assert _wait_until(lambda: committer.waiting == len(runs))
    time.sleep(0.05)  # were they waking each other, this would be thousands of wakeups
    assert wakeups <= len(runs)
    release.set()
    for thread in waiting:
        thread.join(5.0)
    assert saver.committed() == ["first"] + ["later"] * len(runs)
