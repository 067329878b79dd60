"""Runs: rows, a per-thread queue, and one asyncio task per executing run.

``start`` does every check that can fail with an HTTP error (before any response byte) and
queues the run on its thread; ``launch`` runs it in a task of the server's loop once it is at
the head of that queue, recording its events in a :class:`RunLog` that wait, stream and join
requests follow, and them with its lifecycle and state updates in the thread's
:class:`ThreadEvents` (the thread join stream).  Whatever way a run ends (finished, failed,
cancelled) its run and thread rows are brought up to date.  At most one run of a thread
executes at a time.

A run cancelled with ``rollback`` (the cancel action, or the ``rollback`` multitask strategy
of a newer run) is stopped like an interrupted one, then its checkpoints and its row are
deleted and the thread row is recomputed from the checkpoints that remain.
"""

# why: over 400 lines: the helpers both run backends share (strategy, cancel action,
# rollback, thread record) sit beside the embedded queue whose invariant they serve.
from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from ..pregel import Pregel
from ._assistants import Assistants
from ._db import Resources, now_iso
from ._graph_call import event_of, run_config, split_chunk, stream_graph
from ._http import ApiError, to_jsonable
from ._run_log import RunLog
from ._run_request import RunRequest
from ._state import snapshot_interrupts
from ._thread_events import lifecycle_event
from ._thread_log import ThreadEvents
from ._threads import Threads
from ._webhooks import notify_run_ended

__all__ = [
    "CANCEL_ACTIONS",
    "ActiveRun",
    "RunRows",
    "Runs",
    "activate",
    "check_cancel_action",
    "check_strategy",
    "ensure_thread",
    "new_run_row",
    "not_rollbackable",
    "prepare_run",
    "record_thread",
    "roll_back_thread",
    "thread_not_found",
]

_STRATEGIES = ("reject", "enqueue", "interrupt", "rollback")
CANCEL_ACTIONS = ("interrupt", "rollback")
KEEP_SECONDS = 120.0  # how long a stream_resumable run's events stay replayable


def check_strategy(thread_id: str, strategy: str, busy_with: str) -> None:
    """Refuse a run on a busy thread: 422 for an unsupported strategy, 409 for ``reject``."""
    if strategy not in _STRATEGIES:
        raise ApiError(
            422, f"multitask_strategy {strategy!r} is not supported; use one of {_STRATEGIES}."
        )
    if strategy == "reject":
        raise ApiError(
            409,
            f"Thread {thread_id!r} is busy with run {busy_with!r}; wait for it, or "
            "pass multitask_strategy='enqueue' or 'interrupt'.",
        )


def check_cancel_action(action: str) -> None:
    """Refuse (422) a cancel ``action`` other than ``interrupt`` or ``rollback``."""
    if action not in CANCEL_ACTIONS:
        raise ApiError(
            422, f"Query parameter 'action' must be one of {CANCEL_ACTIONS}, got {action!r}."
        )


def not_rollbackable(run: dict[str, Any]) -> ApiError:
    """The 409 of a rollback asked for a run that already ended."""
    return ApiError(
        409,
        f"Run {run['run_id']!r} is {run['status']}; only a pending or running run can be "
        f"rolled back. Delete it with DELETE /threads/{run['thread_id']}/runs/{run['run_id']}.",
    )


def roll_back_thread(
    threads: Threads, graph: Pregel, thread_id: str, run_ids: list[str], *, busy: bool
) -> None:
    """Delete the checkpoints of ``run_ids``; recompute the thread row from what remains."""
    threads.forget_runs(thread_id, run_ids)
    record_thread(threads, graph, thread_id, "interrupted", busy=busy)


def new_run_row(thread_id: str, assistant: dict[str, Any], request: RunRequest) -> dict[str, Any]:
    """The row of a new pending run (not yet inserted)."""
    stamp = now_iso()
    return {
        "run_id": str(uuid.uuid4()),
        "thread_id": thread_id,
        "assistant_id": assistant["assistant_id"],
        "status": "pending",
        "metadata": request.metadata,
        "kwargs": request.kwargs,
        "multitask_strategy": request.kwargs.get("multitask_strategy") or "enqueue",
        "created_at": stamp,
        "updated_at": stamp,
    }


def record_thread(
    threads: Threads, graph: Pregel, thread_id: str, outcome: str, *, busy: bool
) -> str:
    """Copy a finished run's thread state onto the thread row; return the run's final status.

    A run that finished with pending interrupts (or tasks) ended ``interrupted``.
    """
    snapshot = graph.get_state({"configurable": {"thread_id": thread_id}})
    interrupts = snapshot_interrupts(snapshot)
    if outcome == "success" and (interrupts or snapshot.next):
        outcome = "interrupted"
    status = {"success": "idle", "error": "error"}.get(outcome) or (
        "interrupted" if interrupts or snapshot.next else "idle"
    )
    threads.record(
        thread_id,
        status="busy" if busy else status,
        values=to_jsonable(snapshot.values),
        interrupts=interrupts,
    )
    return outcome


def ensure_thread(threads: Threads, thread_id: str, request: RunRequest) -> None:
    """Create the run's thread if asked to (``if_not_exists='create'``), else answer 404."""
    if not threads.exists(thread_id):
        if request.if_not_exists != "create":
            raise thread_not_found(thread_id)
        threads.create(thread_id, {})


def thread_not_found(thread_id: str) -> ApiError:
    """The 404 of a run on a thread that does not exist."""
    return ApiError(404, f"Thread {thread_id!r} not found; pass if_not_exists='create' to make it.")


def activate(
    assistants: Assistants,
    threads: Threads,
    assistant: dict[str, Any],
    run: dict[str, Any],
    request: RunRequest,
) -> ActiveRun:
    """Mark the thread busy (naming its graph) and return the run ready to execute."""
    thread_id = run["thread_id"]
    metadata = threads.get(thread_id)["metadata"]
    metadata.setdefault("graph_id", assistant["graph_id"])
    metadata.setdefault("assistant_id", assistant["assistant_id"])
    threads.record(thread_id, status="busy", metadata=metadata)
    return prepare_run(assistants, assistant, run, request)


def prepare_run(
    assistants: Assistants, assistant: dict[str, Any], run: dict[str, Any], request: RunRequest
) -> ActiveRun:
    """The run with the graph, config and context it executes with."""
    config = run_config(assistant, request, run["thread_id"], run["run_id"])
    context = request.context if request.context is not None else assistant["context"] or None
    return ActiveRun(run, assistants.graph_for(assistant), request, config, context)


@dataclass(slots=True)
class ActiveRun:
    """A started run: its row, graph, the config it runs with, and (once launched) its log."""

    run: dict[str, Any]
    graph: Pregel
    request: RunRequest
    config: dict[str, Any]
    context: Any
    error: dict[str, str] | None = None
    done: bool = False
    log: RunLog | None = None
    rollback: bool = False  # cancelled with rollback: deleted with its checkpoints once stopped

    @property
    def thread_id(self) -> str:
        return self.run["thread_id"]

    @property
    def run_id(self) -> str:
        return self.run["run_id"]


class RunRows:
    """The run rows every run backend reads the same way: get, list, delete."""

    _resources: Any  # Resources or PgResources: the same row interface

    def delete(self, thread_id: str, run_id: str) -> None:
        """Delete a run row that is not executing; a running one answers 409."""
        run = self.get(thread_id, run_id)
        if run["status"] in ("pending", "running"):
            raise ApiError(409, f"Run {run_id!r} is {run['status']}; cancel it before deleting.")
        self._resources.delete("runs", "run_id", run_id)

    def get(self, thread_id: str, run_id: str) -> dict[str, Any]:
        """Return a run of ``thread_id``, or answer 404."""
        run = self._resources.get("runs", "run_id", run_id)
        if run is None or run["thread_id"] != thread_id:
            raise ApiError(404, f"Run {run_id!r} not found on thread {thread_id!r}.")
        return run

    def list(self, thread_id: str) -> list[dict[str, Any]]:
        """Return the runs of ``thread_id``, newest first."""
        return self._resources.select("runs", "thread_id = ?", [thread_id])[::-1]


class Runs(RunRows):
    """Starts, queues, executes and cancels runs."""

    def __init__(
        self,
        resources: Resources,
        assistants: Assistants,
        threads: Threads,
        thread_events: ThreadEvents | None = None,
    ) -> None:
        self._resources = resources
        self._assistants = assistants
        self._threads = threads
        self._events = thread_events or ThreadEvents()
        # Invariant: _queues[t] lists thread t's unfinished runs in start order; only the
        # head executes. A thread with no unfinished run has no key.
        self._queues: dict[str, list[ActiveRun]] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}  # run id -> task, until it ends
        self._turns = asyncio.Event()  # replaced and set whenever a queue head leaves
        # Logs of finished stream_resumable runs, with the monotonic time they expire.
        self._kept: dict[str, tuple[RunLog, float]] = {}
        self._recover()

    def _recover(self) -> None:
        # Runs left pending/running by a previous process died with it: mark them failed.
        for run in self._resources.select("runs", "status IN ('pending', 'running')"):
            self._resources.update("runs", "run_id", run["run_id"], status="error")
            self._threads.record(run["thread_id"], status="error")

    def start(self, thread_id: str, request: RunRequest) -> ActiveRun:
        """Check assistant (404), thread (404) and multitask strategy (409); queue the run."""
        assistant = self._assistants.get(request.assistant_id)
        ensure_thread(self._threads, thread_id, request)
        # why: the official server's default, and what the SDK gets when it sends none
        self._make_room(thread_id, request.kwargs.get("multitask_strategy") or "enqueue")
        run = self._insert_run(thread_id, assistant, request)
        active = activate(self._assistants, self._threads, assistant, run, request)
        self._queues.setdefault(thread_id, []).append(active)
        self._events.publish(thread_id, "run_created", lifecycle_event(run, "pending"))
        return active

    def _make_room(self, thread_id: str, strategy: str) -> None:
        queue = self._queues.get(thread_id)
        if not queue or strategy == "enqueue":
            return
        check_strategy(thread_id, strategy, queue[0].run_id)
        for queued in queue:  # interrupt / rollback: cancel what runs and what waits
            queued.rollback = queued.rollback or strategy == "rollback"
            if queued.run_id in self._tasks:
                self._tasks[queued.run_id].cancel()

    def _insert_run(
        self, thread_id: str, assistant: dict[str, Any], request: RunRequest
    ) -> dict[str, Any]:
        run = new_run_row(thread_id, assistant, request)
        self._resources.insert("runs", run)
        return run

    def launch(self, active: ActiveRun, on_done: Callable[[], None]) -> RunLog:
        """Execute ``active`` in a task once its turn comes; then call ``on_done``."""
        log = active.log = RunLog()

        async def consume() -> None:
            try:
                await self._wait_turn(active)
                async for event, data in self._execute(active):
                    log.append(event, data)
                    self._events.publish(active.thread_id, event, data)
            finally:
                if not active.done:  # cancelled while waiting its turn
                    self._finish(active, "interrupted")
                log.close()
                if active.request.kwargs.get("stream_resumable"):
                    self._kept[active.run_id] = (log, time.monotonic() + KEEP_SECONDS)
                self._tasks.pop(active.run_id, None)
                notify_run_ended(self._resources, active)  # before on_done may delete the row
                on_done()

        self._tasks[active.run_id] = asyncio.get_running_loop().create_task(consume())
        return log

    async def _wait_turn(self, active: ActiveRun) -> None:
        while self._queues[active.thread_id][0] is not active:
            turns = self._turns
            await turns.wait()

    async def _execute(self, active: ActiveRun) -> AsyncIterator[tuple[str, Any]]:
        self._resources.update("runs", "run_id", active.run_id, status="running")
        self._announce_start(active)
        outcome = "interrupted"  # why: a run closed before it finishes was cancelled
        request = active.request
        try:
            stream = stream_graph(
                active.graph, request, active.config, active.context, state_updates=True
            )
            async for chunk in stream:
                streamed, values = split_chunk(chunk, request)
                if values is not None:
                    update = {"run_id": active.run_id, "values": values}
                    self._events.publish(active.thread_id, "state_update", update)
                if streamed:
                    yield event_of(chunk, request.stream_subgraphs)
            outcome = "success"
        except Exception as exc:  # the graph's failure is reported, not raised
            outcome = "error"
            active.error = {"error": type(exc).__name__, "message": str(exc)}
            yield "error", active.error
        finally:
            self._finish(active, outcome)

    def _announce_start(self, active: ActiveRun) -> None:
        thread_id = active.thread_id
        self._events.publish(thread_id, "run_started", lifecycle_event(active.run, "running"))
        self._events.publish(thread_id, "metadata", {"run_id": active.run_id, "attempt": 1})

    def _finish(self, active: ActiveRun, outcome: str) -> None:
        # Sync on purpose: this also runs while the task is being cancelled.
        active.done = True
        queue = self._queues.get(active.thread_id, [])
        queue.remove(active)
        if not queue:
            self._queues.pop(active.thread_id, None)
        turns, self._turns = self._turns, asyncio.Event()
        turns.set()
        active.run["status"] = outcome
        if active.rollback:
            # why: sync, before any queued run resumes: the next run starts from what remains
            self._resources.delete("runs", "run_id", active.run_id)
            ids = [active.run_id]
            roll_back_thread(self._threads, active.graph, active.thread_id, ids, busy=bool(queue))
            done = lifecycle_event(active.run, "interrupted")
            self._events.publish(active.thread_id, "run_done", done)
            return
        try:
            self._record_thread(active, outcome, busy=bool(queue))
        finally:
            self._resources.update(
                "runs", "run_id", active.run_id, status=active.run["status"], error=active.error
            )
            done = lifecycle_event(active.run, active.run["status"])
            self._events.publish(active.thread_id, "run_done", done)

    def _record_thread(self, active: ActiveRun, outcome: str, *, busy: bool) -> None:
        active.run["status"] = record_thread(
            self._threads, active.graph, active.thread_id, outcome, busy=busy
        )

    def is_busy(self, thread_id: str) -> bool:
        """Return True while a run of ``thread_id`` executes or waits its turn."""
        return thread_id in self._queues

    def log(self, run_id: str) -> RunLog | None:
        """Return the event log of run ``run_id`` if unfinished or resumable and recent."""
        for queue in self._queues.values():
            for active in queue:
                if active.run_id == run_id:
                    return active.log
        now = time.monotonic()
        for expired in [k for k, (_, until) in self._kept.items() if until < now]:
            del self._kept[expired]
        kept = self._kept.get(run_id)
        return kept[0] if kept else None

    def stop(self, run_id: str) -> None:
        """Cancel run ``run_id`` if it has not ended (its client left)."""
        task = self._tasks.get(run_id)
        if task is not None:
            task.cancel()

    async def wait_done(self, run_id: str) -> None:
        """Return once run ``run_id`` has ended (at once if it is not running)."""
        task = self._tasks.get(run_id)
        if task is not None:
            # why: asyncio.wait, not await: a joining client that leaves must not cancel the run
            await asyncio.wait([task])

    async def cancel(
        self, thread_id: str, run_id: str, *, wait: bool, action: str = "interrupt"
    ) -> None:
        """Cancel run ``run_id``; with ``wait``, until it stopped (and was rolled back).

        ``interrupt``: it ends ``interrupted``.  ``rollback``: it is deleted with its
        checkpoints (a run that already ended answers 409).
        """
        run = self.get(thread_id, run_id)
        if action == "rollback":
            active = next((a for a in self._queues.get(thread_id, []) if a.run_id == run_id), None)
            if active is None:
                raise not_rollbackable(run)
            active.rollback = True
        task = self._tasks.get(run_id)
        if task is not None:
            task.cancel()
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
        for queue in list(self._queues.values()):
            for position, active in enumerate(queue):
                if thread_id is not None and active.thread_id != thread_id:
                    continue
                if run_ids is not None and active.run_id not in run_ids:
                    continue
                # the head of a queue executes (running); the others wait (pending)
                if status == "all" or status == ("running" if position == 0 else "pending"):
                    active.rollback = active.rollback or action == "rollback"
                    self.stop(active.run_id)

    async def close(self) -> None:
        """Cancel every run and wait for them to stop."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
