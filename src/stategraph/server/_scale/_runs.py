"""The API side of runs in scale-out mode: same methods as the embedded ``Runs``.

``start`` admits a run into Postgres (multitask strategy under the thread's row lock) and
``launch`` wakes a worker; the run executes in whichever worker process claims it.  Wait,
join and stream requests follow it through Redis (``StreamLog``, ``DoneWatch``); cancel
requests flag the run in Postgres and publish a cancel notice its worker acts on.
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
    prepare_run,
    record_thread,
    thread_not_found,
)
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
        for run_id in queue.admit(self._resources, run, strategy, assistant):
            self._spawn(self._bus.publish(self._bus.cancel_channel, run_id))
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

    def stop(self, run_id: str) -> None:
        """Cancel run ``run_id`` if it has not ended (its client left)."""
        self._spawn(self._cancel(run_id))

    async def _cancel(self, run_id: str) -> None:
        thread_id = queue.cancel_pending(self._resources, run_id)
        if thread_id is not None:  # no worker had it: it ends here
            self._settle_thread(thread_id, run_id)
            await self._bus.publish(self._bus.done_channel, run_id)
        elif queue.request_cancel(self._resources, run_id):
            await self._bus.publish(self._bus.cancel_channel, run_id)

    def _settle_thread(self, thread_id: str, run_id: str) -> None:
        run = self._resources.get("runs", "run_id", run_id)
        if run is None:
            return
        graph = self._assistants.graph_for(self._assistants.get(run["assistant_id"]))
        busy = queue.has_active(self._resources, thread_id)
        record_thread(self._threads, graph, thread_id, "interrupted", busy=busy)

    async def wait_done(self, run_id: str) -> None:
        """Return once run ``run_id`` has ended (and its local ``on_done`` ran)."""
        watcher = self._watchers.get(run_id)
        if watcher is not None:
            # why: asyncio.wait, not await: a joining client that leaves must not cancel it
            await asyncio.wait([watcher])
        else:
            await self._done.wait(run_id)

    async def cancel(self, thread_id: str, run_id: str, *, wait: bool) -> None:
        """Cancel run ``run_id`` (it ends ``interrupted``); with ``wait``, until it stopped."""
        self.get(thread_id, run_id)
        await self._cancel(run_id)
        if wait:
            await self.wait_done(run_id)

    def cancel_many(self, thread_id: str | None, run_ids: list[str] | None, status: str) -> None:
        """Cancel the unfinished runs matching a thread, ids and status (pending|running|all)."""
        for run in queue.active_runs(self._resources, thread_id, run_ids, status):
            self.stop(run["run_id"])

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
