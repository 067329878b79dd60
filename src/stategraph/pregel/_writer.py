"""``durability="async"``: checkpoints and pending writes are committed behind the run.

Ops are queued in order and a writer commits them in groups, each in one ``saver.batch``
(one transaction in the SQL savers), so a run never waits on a commit per step.  The thread
committer (sync driver) commits a group once its oldest op has waited ``GROUP_DELAY``
seconds or ``GROUP_OPS`` ops are queued, and at once when a run waits for it (the waiting
run commits the group itself when no other group is being committed).  Reads of the
same saver (``get_tuple``) and the end of the run wait until the run's ops are committed; a
failed commit is raised at the next of those points.  What a crash can lose is the tail of
not-yet-committed steps (at most ``GROUP_DELAY`` seconds or ``GROUP_OPS`` ops, plus the group
being committed), which then run again (LangGraph's "async" semantics).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from ..constants import CONF

# why: a SQLite commit costs more than a whole step (~60 us here against ~50); one commit per
# few ms makes it a small share.  These bound what a crash can lose (docs/durability.md).
GROUP_DELAY = 0.002  # seconds the oldest queued op may wait for its commit
GROUP_OPS = 512  # a group this large is committed at once


def put_reply(effect: tuple[Any, ...]) -> dict[str, Any]:
    """The config a saver's ``put`` returns, computed without waiting for the commit."""
    conf = effect[1].get(CONF, {})
    return {CONF: {"thread_id": conf.get("thread_id"), "checkpoint_ns": conf.get("checkpoint_ns", ""),
                   "checkpoint_id": effect[2]["id"]}}


class ThreadWriter:
    """One run's handle on its saver's shared background committer (sync driver)."""

    def __init__(self, saver: Any) -> None:
        self.committer = _committer_for(saver)

    def submit(self, op: tuple[Any, ...]) -> None:
        self.committer.submit(self, op)

    def flush(self) -> None:
        self.committer.flush(self)

    def close(self) -> None:
        return None


class _Committer:
    """A long-lived daemon thread per saver: commits queued ops of all runs in groups.

    why: starting a thread per run cost more than a short run's commits; one per saver
    keeps the hand-off to a queue append.  Errors go back to the run whose op failed.
    """

    def __init__(self, saver: Any, *, delay: float = GROUP_DELAY, max_ops: int = GROUP_OPS) -> None:
        self.saver = saver
        self.delay = delay
        self.max_ops = max_ops
        self.pending: list[tuple[Any, tuple[Any, ...]]] = []
        self.oldest = 0.0  # monotonic time the first op of ``pending`` was queued
        self.waiting = 0  # runs blocked in flush(): their ops are committed without delay
        self.in_flight: set[int] = set()  # ids of runs with ops being committed
        # Invariant: at most one group is being committed (by the worker or by a flushing
        # run), so groups commit in the order their ops were queued.
        self.busy = False
        self.errors: dict[int, BaseException] = {}
        self.cond = threading.Condition()
        threading.Thread(target=self._work, name="stategraph-writer", daemon=True).start()

    def submit(self, owner: Any, op: tuple[Any, ...]) -> None:
        with self.cond:
            self._raise(owner)
            self.pending.append((owner, op))
            if len(self.pending) == 1:
                self.oldest = time.monotonic()
                self.cond.notify_all()  # the worker starts the group's clock
            elif len(self.pending) >= self.max_ops:
                self.cond.notify_all()

    def flush(self, owner: Any) -> None:
        key = id(owner)
        with self.cond:
            self.waiting += 1
            try:
                while key in self.in_flight or any(o is owner for o, _ in self.pending):
                    if self.busy:
                        # why: the commit under way ends with notify_all; waking the other
                        # waiting runs here made them wake each other in a loop, and that
                        # spinning starved the committing thread of the GIL
                        self.cond.wait()
                        continue
                    # why: waking the worker and being woken back costs two thread switches
                    # (~0.1 ms, more than a small group's commit); the waiting run commits
                    # the group itself when no other commit is under way.
                    group = self._claim()
                    self.cond.release()
                    try:
                        self._finish(group)
                    finally:
                        self.cond.acquire()
            finally:
                self.waiting -= 1
            self._raise(owner)

    def _raise(self, owner: Any) -> None:
        err = self.errors.pop(id(owner), None)
        if err is not None:
            raise err

    def _take_group(self) -> list[tuple[Any, tuple[Any, ...]]]:
        """Wait until a group is due (delay, size or a waiting run), then take it."""
        with self.cond:
            while True:
                while self.busy or not self.pending:
                    self.cond.wait()
                left = self.oldest + self.delay - time.monotonic()
                if self.waiting or len(self.pending) >= self.max_ops or left <= 0:
                    return self._claim()
                self.cond.wait(left)  # a flushing run may take the group meanwhile

    def _claim(self) -> list[tuple[Any, tuple[Any, ...]]]:
        """Take every queued op as the group to commit next (call with ``cond`` held)."""
        group, self.pending = self.pending, []
        self.in_flight |= {id(o) for o, _ in group}
        self.busy = True
        return group

    def _work(self) -> None:
        while True:
            self._finish(self._take_group())

    def _finish(self, group: list[tuple[Any, tuple[Any, ...]]]) -> None:
        """Commit a claimed group, hand its errors to their runs and release the claim."""
        owners = {id(o) for o, _ in group}
        try:
            failed = self._commit(group)
        except BaseException as exc:  # handed to the runs, never lost
            failed = {key: exc for key in owners}
        with self.cond:
            self.errors.update(failed)
            self.in_flight -= owners
            self.busy = False
            self.cond.notify_all()

    def _commit(self, group: list[tuple[Any, tuple[Any, ...]]]) -> dict[int, BaseException]:
        """Commit a group; return the error of each run whose ops could not be committed.

        why: a group mixes the ops of several runs (threads) in one transaction; when it
        fails (say one run lost its thread to another writer), the transaction rolled back,
        so each run's ops are committed again on their own and only the failing run fails.
        """
        try:
            self.saver.batch([op for _, op in group])
            return {}
        except Exception as exc:
            runs: dict[int, list[tuple[Any, ...]]] = {}
            for owner, op in group:
                runs.setdefault(id(owner), []).append(op)
            if len(runs) == 1:
                return {key: exc for key in runs}
        failed: dict[int, BaseException] = {}
        for key, ops in runs.items():
            try:
                self.saver.batch(ops)
            except Exception as own:
                failed[key] = own
        return failed


_committers: dict[int, _Committer] = {}
_committers_lock = threading.Lock()


def _committer_for(saver: Any) -> _Committer:
    with _committers_lock:
        found = getattr(saver, "_stategraph_committer", None)
        if found is None:
            found = _Committer(saver)
            try:
                saver._stategraph_committer = found
            except AttributeError:  # a saver with __slots__: keep it in the registry
                found = _committers.setdefault(id(saver), found)
        return found


class TaskWriter:
    """Commits queued ops from an asyncio task (async driver)."""

    def __init__(self, saver: Any) -> None:
        import asyncio

        self.saver = saver
        self.pending: list[tuple[Any, ...]] = []
        self.error: BaseException | None = None
        self.task: asyncio.Task[None] | None = None
        self.wake = asyncio.Event()

    def submit(self, op: tuple[Any, ...]) -> None:
        import asyncio

        if self.error is not None:
            err, self.error = self.error, None
            raise err
        self.pending.append(op)
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self._work())

    async def _work(self) -> None:
        import asyncio

        await asyncio.sleep(0)  # let the run queue more before committing
        while self.pending:
            ops, self.pending = self.pending, []
            try:
                await self.saver.abatch(ops)
            except BaseException as exc:
                self.error = exc
                return

    async def flush(self) -> None:
        while self.task is not None and not self.task.done():
            await self.task
        if self.pending and self.error is None:
            self.task = None
            await self._work()
        if self.error is not None:
            err, self.error = self.error, None
            raise err
