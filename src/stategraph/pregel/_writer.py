"""``durability="async"``: checkpoints and pending writes are committed behind the run.

Ops are queued in order and a writer commits everything queued so far in one
``saver.batch`` (one transaction in the SQL savers), so a run never waits on a commit per
step.  Reads of the same saver (``get_tuple``) and the end of the run wait until the queue is
drained; a failed commit is raised at the next of those points.  What a crash can lose is the
tail of not-yet-committed steps, which then run again (LangGraph's "async" semantics).
"""

from __future__ import annotations

import threading
from typing import Any

from ..constants import CONF


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

    def __init__(self, saver: Any) -> None:
        self.saver = saver
        self.pending: list[tuple[Any, tuple[Any, ...]]] = []
        self.in_flight: set[int] = set()  # ids of runs with ops being committed
        self.errors: dict[int, BaseException] = {}
        self.cond = threading.Condition()
        threading.Thread(target=self._work, name="stategraph-writer", daemon=True).start()

    def submit(self, owner: Any, op: tuple[Any, ...]) -> None:
        with self.cond:
            self._raise(owner)
            self.pending.append((owner, op))
            self.cond.notify_all()

    def flush(self, owner: Any) -> None:
        key = id(owner)
        with self.cond:
            while key in self.in_flight or any(o is owner for o, _ in self.pending):
                self.cond.wait()
            self._raise(owner)

    def _raise(self, owner: Any) -> None:
        err = self.errors.pop(id(owner), None)
        if err is not None:
            raise err

    def _work(self) -> None:
        while True:
            with self.cond:
                while not self.pending:
                    self.cond.wait()
                batch, self.pending = self.pending, []
                owners = {id(o) for o, _ in batch}
                self.in_flight |= owners
            try:
                self.saver.batch([op for _, op in batch])
            except BaseException as exc:
                with self.cond:
                    for key in owners:
                        self.errors[key] = exc
            finally:
                with self.cond:
                    self.in_flight -= owners
                    self.cond.notify_all()


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
