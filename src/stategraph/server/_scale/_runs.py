"""The API side of runs in scale-out mode: same methods as the embedded ``Runs``.

``start`` admits a run into Postgres (multitask strategy under the thread's row lock) and
``launch`` wakes a worker; the run executes in whichever worker process claims it.  Wait,
join and stream requests follow it through Redis (``StreamLog``, ``DoneWatch``); cancel
requests flag the run in Postgres (with the action: interrupt or rollback) and publish a
cancel notice its worker acts on.  A rollback of a running run is done by its worker once
the run has stopped writing; a pending run is ended (or deleted) here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from .._assistants import Assistants
from .._run_request import RunRequest
from .._runs import (
    ActiveRun,
    RunRows,
    new_run_row,
    not_rollbackable,
    prepare_run,
    record_thread,
    roll_back_thread,
    thread_not_found,
)
from .._thread_events import lifecycle_event
from .._threads import Threads
from . import _queue as queue
from ._bus import Bus
from ._done import DoneWatch
from ._pg_resources import PgResources
from ._reaper import reap_forever
from ._stream_log import StreamLog
from .settings import ScaleSettings

__all__ = ["ScaleRuns"]


class ScaleRuns(RunRows):
    """Starts, follows and cancels runs that workers execute (Postgres + Redis)."""

    def __init__(
        self,
        resources: PgResources,
        assistants: Assistants,
        threads: Threads,
        bus: Bus,
        settings: ScaleSettings,
    ) -> None:
        self._resources = resources
        self._assistants = assistants
        self._threads = threads
        self._bus = bus
        self._settings = settings
        self._done = DoneWatch(bus, resources, settings.poll_seconds)
        self._watchers: dict[str, asyncio.Task[None]] = {}  # run id -> on_done caller
        self._background: set[asyncio.Task[Any]] = set()

    def _spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def start(self, thread_id: str, request: RunRequest) -> ActiveRun:
        """Check assistant (404), thread (404), strategy (409/422); admit the run as pending."""
        assistant = self._assistants.get(request.assistant_id)
        create = request.if_not_exists == "create"
        ttl = self._threads.default_ttl
        if not queue.ensure_thread(self._resources, thread_id, create=create, ttl=ttl):
            raise thread_not_found(thread_id)
        run = new_run_row(thread_id, assistant, request)
        strategy = request.kwargs.get("multitask_strategy") or "enqueue"
        cancelled, dropped = queue.admit(self._resources, run, strategy, assistant)
        for run_id in cancelled:
            self._spawn(self._bus.publish(self._bus.cancel_channel, run_id))
        created = [("run_created", lifecycle_event(run, "pending"))]
        self._spawn(self._bus.add_thread_events(thread_id, created))
        if dropped:  # pending runs a rollback deleted: what an earlier attempt wrote goes too
            self._threads.forget_runs(thread_id, dropped)
            for run_id in dropped:
                self._spawn(self._bus.publish(self._bus.done_channel, run_id))
        return prepare_run(self._assistants, assistant, run, request)

    def launch(self, active: ActiveRun, on_done: Callable[[], None]) -> StreamLog:
        """Wake a worker for ``active``; call ``on_done`` here once it has ended anywhere."""
        self._spawn(self._bus.wake())
        run_id = active.run_id

        async def watch() -> None:
            try:
                await self._done.wait(run_id)
                row = self._resources.get("runs", "run_id", run_id)
                if row is not None:
                    active.run["status"], active.error = row["status"], row["error"]
                active.done = True
            finally:
                self._watchers.pop(run_id, None)
                on_done()

        self._watchers[run_id] = asyncio.get_running_loop().create_task(watch())
        return self._log(run_id)

    def _log(self, run_id: str) -> StreamLog:
        def row() -> dict[str, Any] | None:
            return self._resources.get("runs", "run_id", run_id)

        return StreamLog(self._bus, run_id, row, self._settings.poll_seconds)

    def is_busy(self, thread_id: str) -> bool:
        """Return True while a run of ``thread_id`` is pending or running (in any process)."""
        return queue.has_active(self._resources, thread_id)

    def log(self, run_id: str) -> StreamLog | None:
        """The events of an unfinished run, or of a recent ``stream_resumable`` one."""
        run = self._resources.get("runs", "run_id", run_id)
        if run is None:
            return None
        if run["status"] in ("pending", "running"):
            return self._log(run_id)
        ended = datetime.fromisoformat(run["updated_at"])
        age = (datetime.now(UTC) - ended).total_seconds()
        if run["kwargs"].get("stream_resumable") and age < self._settings.keep_seconds:
            return self._log(run_id)
        return None

    def stop(self, run_id: str, action: str = "interrupt") -> None:
        """Cancel run ``run_id`` if it has not ended (its client left)."""
        self._spawn(self._cancel(run_id, action))

    async def _cancel(self, run_id: str, action: str = "interrupt") -> None:
        run = self._resources.get("runs", "run_id", run_id)
        thread_id = queue.cancel_pending(self._resources, run_id, action)
        if thread_id is not None and run is not None:  # no worker had it: it ends here
            graph = self._assistants.graph_for(self._assistants.get(run["assistant_id"]))
            busy = queue.has_active(self._resources, thread_id)
            if action == "rollback":
                roll_back_thread(self._threads, graph, thread_id, [run_id], busy=busy)
            else:
                record_thread(self._threads, graph, thread_id, "interrupted", busy=busy)
            done = {"run_id": run_id, "thread_id": thread_id, "status": "interrupted"}
            await self._bus.add_thread_events(thread_id, [("run_done", done)])
            await self._bus.publish(self._bus.done_channel, run_id)
        elif queue.request_cancel(self._resources, run_id, action):
            await self._bus.publish(self._bus.cancel_channel, run_id)

    async def wait_done(self, run_id: str) -> None:
        """Return once run ``run_id`` has ended (and its local ``on_done`` ran)."""
        watcher = self._watchers.get(run_id)
        if watcher is not None:
            # why: asyncio.wait, not await: a joining client that leaves must not cancel it
            await asyncio.wait([watcher])
        else:
            await self._done.wait(run_id)

    async def cancel(
        self, thread_id: str, run_id: str, *, wait: bool, action: str = "interrupt"
    ) -> None:
        """Cancel run ``run_id``; with ``wait``, until it stopped (and was rolled back).

        ``interrupt``: it ends ``interrupted``.  ``rollback``: it is deleted with its
        checkpoints (a run that already ended answers 409).
        """
        run = self.get(thread_id, run_id)
        if action == "rollback" and run["status"] not in ("pending", "running"):
            raise not_rollbackable(run)
        await self._cancel(run_id, action)
        if wait:
            await self.wait_done(run_id)

    def cancel_many(
        self,
        thread_id: str | None,
        run_ids: list[str] | None,
        status: str,
        action: str = "interrupt",
    ) -> None:
        """Cancel the unfinished runs matching a thread, ids and status (pending|running|all)."""
        for run in queue.active_runs(self._resources, thread_id, run_ids, status):
            self.stop(run["run_id"], action)

    def open(self, *, reap: bool = True) -> None:
        """Start following done notices (and reaping, unless a local worker does it)."""
        self._done.open()
        if reap:
            reaper = reap_forever(self._resources, self._threads, self._bus, self._settings)
            self._spawn(reaper)

    async def close(self) -> None:
        """Stop watching (runs go on in their workers) and close Redis."""
        tasks = [*self._watchers.values(), *self._background]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
        await self._done.close()
