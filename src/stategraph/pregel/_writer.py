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
    """Commits queued ops on a background thread (sync driver)."""

    def __init__(self, saver: Any) -> None:
        self.saver = saver
        self.pending: list[tuple[Any, ...]] = []
        self.busy = False
        self.error: BaseException | None = None
        self.cond = threading.Condition()
        self.thread: threading.Thread | None = None
        self.closed = False

    def submit(self, op: tuple[Any, ...]) -> None:
        with self.cond:
            self._raise()
            self.pending.append(op)
            if self.thread is None:
                self.thread = threading.Thread(target=self._work, name="stategraph-writer", daemon=True)
                self.thread.start()
            self.cond.notify_all()

    def flush(self) -> None:
        with self.cond:
            while (self.pending or self.busy) and self.error is None:
                self.cond.wait()
            self._raise()

    def close(self) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def _raise(self) -> None:
        if self.error is not None:
            err, self.error = self.error, None
            raise err

    def _work(self) -> None:
        while True:
            with self.cond:
                while not self.pending and not self.closed:
                    self.cond.wait()
                if not self.pending and self.closed:
                    return
                ops, self.pending, self.busy = self.pending, [], True
            try:
                self.saver.batch(ops)
            except BaseException as exc:
                with self.cond:
                    self.error = exc
            finally:
                with self.cond:
                    self.busy = False
                    self.cond.notify_all()


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
