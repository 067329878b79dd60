"""The worker side of scale-out mode: claim runs from Postgres, execute them, report.

A worker keeps up to ``jobs`` runs executing.  It claims with ``FOR UPDATE SKIP LOCKED``
(see ``_queue``), waking on a Redis notice or every ``poll_seconds``; extends its leases
every ``heartbeat_seconds`` (a run whose lease it lost, or whose cancel was requested, is
stopped); and reaps expired leases of any worker every ``reap_seconds``.  A run claimed
again after its worker died resumes from the thread's last checkpoint when an earlier
attempt wrote checkpoints (the thread moved past the checkpoint noted when the run first
started), so no finished step runs twice.  A run whose cancel asked for a rollback is, once
stopped (or at once, when claimed again after its worker died), deleted with the checkpoints
it wrote; the row goes last, so the thread's next run cannot start before.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool

from ...checkpoint.postgres._connect import async_pool_checks, pool_arguments
from ...checkpoint.postgres.aio import AsyncPostgresSaver
from ...errors import GraphDrained
from ...runtime import RunControl
from .._assistants import Assistants
from .._graph_call import event_of, run_config, split_chunk, stream_graph
from .._run_request import RunRequest, parse_run_request
from .._runs import record_thread, roll_back_thread
from .._thread_events import lifecycle_event
from .._threads import Threads
from .._webhooks import notify_row_ended
from . import _queue as queue
from ._bus import Bus
from ._pg_resources import PgResources
from ._reaper import reap_forever
from .settings import ScaleSettings

__all__ = ["Worker"]

logger = logging.getLogger("stategraph.server")


class Worker:
    """Claims and executes runs until ``stop``; many may share one Postgres and Redis."""

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
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._running: dict[str, asyncio.Task[None]] = {}  # run id -> its execution
        self._controls: dict[str, RunControl] = {}  # run id -> its drain handle
        self._lost: set[str] = set()  # runs whose lease went elsewhere: do not finish them
        self._draining = False
        self._loops: list[asyncio.Task[None]] = []
        self._pool: AsyncConnectionPool | None = None
        self._graphs: dict[str, Any] = {}  # graph id -> graph on the async saver

    async def start(self) -> None:
        """Open the async checkpoint pool; start the claim, heartbeat, reaper, cancel loops."""
        await self._open_async_graphs()
        loop = asyncio.get_running_loop()
        listen = self._bus.listen(
            self._bus.cancel_channel, self._on_cancel, self._settings.poll_seconds
        )
        reaper = reap_forever(self._resources, self._threads, self._bus, self._settings)
        coroutines = (self._claim_loop(), self._heartbeat_loop(), reaper, listen)
        self._loops = [loop.create_task(c) for c in coroutines]

    async def _open_async_graphs(self) -> None:
        # why: runs execute on AsyncPostgresSaver (no thread hop per checkpoint: measured
        # 2.5x the runs/s of the sync saver at 10 concurrent runs); the sync-saver graphs
        # stay for what reads state synchronously (thread rows, resume decisions)
        checks = {**async_pool_checks(), "check": AsyncConnectionPool.check_connection}
        arguments = pool_arguments(self._settings.postgres_uri, {"max_size": 10}, checks)
        self._pool = AsyncConnectionPool(**arguments)
        await self._pool.open(wait=True, timeout=10)
        saver = AsyncPostgresSaver(self._pool)
        await saver.setup()
        graphs = self._assistants.graphs.items()
        self._graphs = {gid: graph.copy({"checkpointer": saver}) for gid, graph in graphs}

    async def stop(self, *, drain: bool = True) -> None:
        """Stop claiming; hand the executing runs back to pending (``drain``) and stop them.

        Draining lets each run finish the step it is in (its checkpoint is saved) and stop at
        that boundary, for at most ``drain_seconds``; leases keep being extended meanwhile.
        What is still running then is cancelled: its step runs again on the next worker.
        """
        self._draining = drain
        claim, *others = self._loops or [None]
        if claim is not None:
            claim.cancel()
        running = list(self._running.values())
        if drain and running:
            for control in list(self._controls.values()):
                control.request_drain("worker shutdown")
            await asyncio.wait(running, timeout=self._settings.drain_seconds)
        for task in [*others, *running]:
            task.cancel()
        await asyncio.gather(*self._loops, *running, return_exceptions=True)
        if self._pool is not None:
            await self._pool.close()

    # ---------------------------------------------------------------- loops
    async def _claim_loop(self) -> None:
        slots = asyncio.Semaphore(self._settings.jobs)
        while True:
            await slots.acquire()
            try:
                row = queue.claim(self._resources, self.worker_id, self._settings.lease_seconds)
            except Exception:
                logger.exception("Claiming a run failed; retrying after the poll interval")
                slots.release()
                await asyncio.sleep(self._settings.poll_seconds)
                continue
            if row is None:
                slots.release()
                await self._bus.wait_wake(self._settings.poll_seconds)
                continue
            task = asyncio.get_running_loop().create_task(self._execute(row))
            self._running[row["run_id"]] = task
            task.add_done_callback(lambda _, run_id=row["run_id"]: self._ended(run_id, slots))

    def _ended(self, run_id: str, slots: asyncio.Semaphore) -> None:
        self._running.pop(run_id, None)
        self._lost.discard(run_id)
        slots.release()

    async def _heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(self._settings.heartbeat_seconds)
            held = list(self._running)
            if not held:
                continue
            try:
                leases = queue.heartbeat(
                    self._resources, self.worker_id, held, self._settings.lease_seconds
                )
            except Exception:
                logger.exception("Heartbeat failed; leases not extended this time")
                continue
            for run_id in [r for r in held if r in self._running]:  # still executing here
                if run_id not in leases:
                    self._lost.add(run_id)  # reaped: another worker may run it now
                if run_id not in leases or leases[run_id]:
                    self._stop_run(run_id)

    def _on_cancel(self, run_id: str) -> None:
        self._stop_run(run_id)

    def _stop_run(self, run_id: str) -> None:
        task = self._running.get(run_id)
        if task is not None:
            task.cancel()

    # ---------------------------------------------------------------- one run
    async def _execute(self, row: dict[str, Any]) -> None:
        run_id, thread_id = row["run_id"], row["thread_id"]
        outcome, error, index = "interrupted", None, 0
        graph = None
        try:
            assistant = self._assistants.get(row["assistant_id"])
            graph = self._assistants.graph_for(assistant)
            if row.get("cancel_action") == "rollback":
                return  # rolled back before this claim (its worker died): not run again
            request = parse_run_request(row["kwargs"])
            if row["start_checkpoint_id"] is not None:  # an earlier attempt began
                index = await self._bus.event_count(run_id)
                started = row["start_checkpoint_id"]
                if await asyncio.to_thread(_has_started, graph, thread_id, started):
                    _resume_from_checkpoint(request)
            else:
                await asyncio.to_thread(_note_start, self._resources, graph, row)
            config = run_config(assistant, request, thread_id, run_id)
            context = request.context if request.context is not None else assistant["context"]
            await self._announce_start(row)
            runner = self._graphs[assistant["graph_id"]]
            control = self._controls[run_id] = RunControl()
            if self._draining:  # claimed just before the stop: hand it straight back
                control.request_drain("worker shutdown")
            stream = stream_graph(
                runner, request, config, context or None, state_updates=True, control=control
            )
            async for chunk in stream:
                index = await self._record_chunk(row, request, chunk, index)
            outcome = "success"
        except GraphDrained:  # stopped at a step boundary by a draining stop(): handed back
            outcome = "interrupted"
        except psycopg.OperationalError as exc:  # Postgres dropped us: try again, not fail
            outcome, error = "retry", {"error": type(exc).__name__, "message": str(exc)}
        except Exception as exc:  # the graph's failure is reported, not raised
            outcome, error = "error", {"error": type(exc).__name__, "message": str(exc)}
            await self._bus.add_event(run_id, index, "error", error, thread_id=thread_id)
            index += 1
        finally:
            self._controls.pop(run_id, None)
            await asyncio.shield(self._finish(row, graph, outcome, error, index))

    async def _record_chunk(
        self, row: dict[str, Any], request: RunRequest, chunk: Any, index: int
    ) -> int:
        """Append a chunk to the run's and the thread's events; return the next run index."""
        run_id, thread_id = row["run_id"], row["thread_id"]
        streamed, values = split_chunk(chunk, request)
        update = [] if values is None else [("state_update", {"run_id": run_id, "values": values})]
        if not streamed:
            if update:
                await self._bus.add_thread_events(thread_id, update)
            return index
        event, data = event_of(chunk, request.stream_subgraphs)
        await self._bus.add_event(
            run_id, index, event, data, thread_id=thread_id, thread_first=update
        )
        return index + 1

    async def _announce_start(self, row: dict[str, Any]) -> None:
        metadata = {"run_id": row["run_id"], "attempt": row["attempt"]}
        started = [("run_started", lifecycle_event(row, "running")), ("metadata", metadata)]
        await self._bus.add_thread_events(row["thread_id"], started)

    async def _finish(
        self, row: dict[str, Any], graph: Any, outcome: str, error: Any, index: int
    ) -> None:
        run_id = row["run_id"]
        if run_id in self._lost:
            return  # the reaper gave it to another worker, which finishes it
        try:
            rollback = queue.rollback_requested(self._resources, run_id)
            if rollback and not await asyncio.to_thread(self._roll_back, row, graph):
                return
        except Exception:
            logger.exception("Rolling back run %s failed; the reaper retries it", run_id)
            return
        if rollback:
            await self._announce_end(row, "interrupted", None, index)
            return
        if self._draining and outcome == "interrupted":
            queue.release(self._resources, run_id, self.worker_id)
            return
        if outcome == "retry":
            if row["attempt"] < self._settings.max_attempts:
                await self._retry(run_id)
                return
            outcome = "error"
            await self._bus.add_event(run_id, index, "error", error, thread_id=row["thread_id"])
            index += 1
        try:
            # why: in a thread, so the loop keeps streaming and heartbeating other runs
            status = await asyncio.to_thread(self._record_end, row, graph, outcome, error)
            if status is None:
                return
        except psycopg.OperationalError:  # the end is not recorded: run it again, resumed
            await self._retry(run_id)
            return
        except Exception:
            logger.exception("Recording the end of run %s failed; the reaper retries it", run_id)
            return
        await self._announce_end(row, status, error, index)

    async def _announce_end(self, row: dict[str, Any], status: str, error: Any, index: int) -> None:
        """End the run's event stream, publish its done notice, wake a worker, call its webhook."""
        run_id = row["run_id"]
        await self._bus.end_stream(run_id, index, self._settings.keep_seconds)
        done = [("run_done", lifecycle_event(row, status))]
        await self._bus.add_thread_events(row["thread_id"], done)
        await self._bus.publish(self._bus.done_channel, run_id)
        await self._bus.wake()  # a run queued behind this one on its thread may start
        # why: a stateless (or rolled-back) run's row may be gone: the webhook gets this one
        final = {**row, "status": status, "error": error}
        notify_row_ended(self._resources, run_id, (row.get("kwargs") or {}).get("webhook"), final)

    def _record_end(self, row: dict[str, Any], graph: Any, outcome: str, error: Any) -> str | None:
        """Thread row, then run row: the run's final status; None when no longer ours."""
        run_id, thread_id = row["run_id"], row["thread_id"]
        busy = _has_other_active(self._resources, thread_id, run_id)
        outcome = self._record_thread(graph, thread_id, outcome, busy=busy)
        held = queue.finish(self._resources, run_id, self.worker_id, outcome, error)
        return outcome if held else None

    def _roll_back(self, row: dict[str, Any], graph: Any) -> bool:
        """Checkpoints, thread row, then run row; False when this worker lost the run."""
        run_id, thread_id = row["run_id"], row["thread_id"]
        busy = _has_other_active(self._resources, thread_id, run_id)
        if graph is None:
            self._threads.forget_runs(thread_id, [run_id])
        else:
            roll_back_thread(self._threads, graph, thread_id, [run_id], busy=busy)
        return queue.delete_rolled_back(self._resources, run_id, self.worker_id)

    async def _retry(self, run_id: str) -> None:
        """Give a run that met a transient Postgres error back to the queue (attempt kept)."""
        logger.warning(
            "Run %s met a dropped Postgres connection; queued again", run_id, exc_info=True
        )
        try:
            queue.release(self._resources, run_id, self.worker_id, count_attempt=True)
        except Exception:
            logger.exception("Requeueing run %s failed; its lease expires instead", run_id)
            return
        await self._bus.wake()

    def _record_thread(self, graph: Any, thread_id: str, outcome: str, *, busy: bool) -> str:
        """Copy the thread's state onto its row; a state that cannot be read marks it error."""
        try:
            if graph is not None:
                return record_thread(self._threads, graph, thread_id, outcome, busy=busy)
        except psycopg.OperationalError:
            raise  # Postgres dropped us: the caller queues the run again
        except Exception:
            logger.exception("Reading thread %s's state after its run failed", thread_id)
        self._threads.record(thread_id, status="busy" if busy else "error")
        return outcome


def _has_other_active(resources: PgResources, thread_id: str, run_id: str) -> bool:
    rows = resources.execute(
        f"SELECT 1 AS busy FROM {queue.RUNS} WHERE thread_id = %s AND run_id <> %s "
        "AND status IN ('pending', 'running') LIMIT 1",
        (thread_id, run_id),
    )
    return bool(rows)


def _latest_checkpoint_id(graph: Any, thread_id: str) -> str | None:
    config = {"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}}
    latest = graph.checkpointer.get_tuple(config)
    return None if latest is None else latest.config["configurable"]["checkpoint_id"]


def _note_start(resources: PgResources, graph: Any, row: dict[str, Any]) -> None:
    """Record the thread's latest checkpoint before the run's first attempt writes any."""
    resources.execute(
        f"UPDATE {queue.RUNS} SET start_checkpoint_id = %s WHERE run_id = %s",
        (_latest_checkpoint_id(graph, row["thread_id"]) or "", row["run_id"]),
    )


def _has_started(graph: Any, thread_id: str, start_checkpoint_id: str | None) -> bool:
    """Whether an earlier attempt wrote checkpoints: the thread moved past where it began.

    None: the first attempt died before executing anything.
    """
    if start_checkpoint_id is None:
        return False
    return (_latest_checkpoint_id(graph, thread_id) or "") != start_checkpoint_id


def _resume_from_checkpoint(request: RunRequest) -> None:
    """Turn a re-claimed run into "go on from the last checkpoint" (input None)."""
    request.input = None
    request.command = None
    request.checkpoint_id = None
    request.config.get("configurable", {}).pop("checkpoint_id", None)
