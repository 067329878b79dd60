"""Run rows and execution: one run at a time per thread, executed in the request's task.

``start`` does every check that can fail with an HTTP error (before any response byte), then
``execute`` drives the graph and yields ``(event_name, data)`` pairs; whatever way it ends
(finished, failed, or cancelled by a disconnect) the run and thread rows are brought up to date.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from ..pregel import Pregel
from ._assistants import Assistants
from ._db import Resources, now_iso
from ._http import ApiError, to_jsonable
from ._run_log import RunLog
from ._run_request import STREAM_MODES, RunRequest
from ._state import snapshot_interrupts
from ._threads import Threads

__all__ = ["ActiveRun", "Runs"]


@dataclass(slots=True)
class ActiveRun:
    """A started run: its row, graph and the config it runs with."""

    run: dict[str, Any]
    graph: Pregel
    request: RunRequest
    config: dict[str, Any]
    context: Any
    error: dict[str, str] | None = None
    done: bool = False

    @property
    def thread_id(self) -> str:
        return self.run["thread_id"]


class Runs:
    """Starts and executes runs; ``_busy`` maps a thread id to its executing run id."""

    def __init__(self, resources: Resources, assistants: Assistants, threads: Threads) -> None:
        self._resources = resources
        self._assistants = assistants
        self._threads = threads
        # Invariant: a thread id is in _busy exactly while one of its runs executes.
        self._busy: dict[str, str] = {}
        # Background runs by run id, from spawn until their task ends (then removed).
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._logs: dict[str, RunLog] = {}  # same keys as _tasks: what join streams follow
        self._recover()

    def _recover(self) -> None:
        # Runs left pending/running by a previous process died with it: mark them failed.
        for run in self._resources.select("runs", "status IN ('pending', 'running')"):
            self._resources.update("runs", "run_id", run["run_id"], status="error")
            self._threads.record(run["thread_id"], status="error")

    def start(self, thread_id: str, request: RunRequest) -> ActiveRun:
        """Check assistant and thread (404), claim the thread (409), insert the run row."""
        assistant = self._assistants.get(request.assistant_id)
        if not self._threads.exists(thread_id):
            if request.if_not_exists != "create":
                raise ApiError(
                    404, f"Thread {thread_id!r} not found; pass if_not_exists='create' to make it."
                )
            self._threads.create(thread_id, {})
        if thread_id in self._busy:
            raise ApiError(
                409,
                f"Thread {thread_id!r} is busy with run {self._busy[thread_id]!r}; "
                "wait for it to finish before starting another run.",
            )
        run = self._insert_run(thread_id, assistant, request)
        self._busy[thread_id] = run["run_id"]
        metadata = self._threads.get(thread_id)["metadata"]
        metadata.setdefault("graph_id", assistant["graph_id"])
        metadata.setdefault("assistant_id", assistant["assistant_id"])
        self._threads.record(thread_id, status="busy", metadata=metadata)
        config = _run_config(assistant, request, thread_id, run["run_id"])
        context = request.context if request.context is not None else assistant["context"] or None
        return ActiveRun(run, self._assistants.graph_for(assistant), request, config, context)

    def _insert_run(
        self, thread_id: str, assistant: dict[str, Any], request: RunRequest
    ) -> dict[str, Any]:
        stamp = now_iso()
        run = {
            "run_id": str(uuid.uuid4()),
            "thread_id": thread_id,
            "assistant_id": assistant["assistant_id"],
            "status": "pending",
            "metadata": request.metadata,
            "kwargs": request.kwargs,
            "multitask_strategy": request.kwargs.get("multitask_strategy", "reject"),
            "created_at": stamp,
            "updated_at": stamp,
        }
        self._resources.insert("runs", run)
        return run

    async def execute(self, active: ActiveRun) -> AsyncIterator[tuple[str, Any]]:
        """Run the graph, yielding one ``(event, data)`` per stream chunk (or ``error``)."""
        self._resources.update("runs", "run_id", active.run["run_id"], status="running")
        outcome = "interrupted"  # why: a run closed before it finishes was cancelled
        try:
            async for chunk in _stream(active):
                yield _event(chunk, active.request.stream_subgraphs)
            outcome = "success"
        except Exception as exc:  # the graph's failure is reported, not raised
            outcome = "error"
            active.error = {"error": type(exc).__name__, "message": str(exc)}
            yield "error", active.error
        finally:
            self._finish(active, outcome)

    def is_busy(self, thread_id: str) -> bool:
        """Return True while a run executes on ``thread_id``."""
        return thread_id in self._busy

    def abandon(self, active: ActiveRun) -> None:
        """Finish a run that was started but never executed (its client went away)."""
        if not active.done:
            self._finish(active, "interrupted")

    def _finish(self, active: ActiveRun, outcome: str) -> None:
        # Sync on purpose: this also runs while the task is being cancelled.
        active.done = True
        try:
            snapshot = active.graph.get_state({"configurable": {"thread_id": active.thread_id}})
            interrupts = snapshot_interrupts(snapshot)
            if outcome == "success" and (interrupts or snapshot.next):
                outcome = "interrupted"
            thread_status = {"success": "idle", "error": "error"}.get(outcome) or (
                "interrupted" if interrupts or snapshot.next else "idle"
            )
            self._threads.record(
                active.thread_id,
                status=thread_status,
                values=to_jsonable(snapshot.values),
                interrupts=interrupts,
            )
        finally:
            self._resources.update(
                "runs", "run_id", active.run["run_id"], status=outcome, error=active.error
            )
            self._busy.pop(active.thread_id, None)

    def spawn(self, active: ActiveRun, on_done: Callable[[], None]) -> None:
        """Execute ``active`` as a background task of the running loop; then call ``on_done``."""

        run_id, log = active.run["run_id"], RunLog()

        async def consume() -> None:
            try:
                async for event, data in self.execute(active):
                    log.append(event, data)
            finally:
                log.close()
                self._tasks.pop(run_id, None)
                self._logs.pop(run_id, None)
                on_done()

        self._logs[run_id] = log
        self._tasks[run_id] = asyncio.get_running_loop().create_task(consume())

    def log(self, run_id: str) -> RunLog | None:
        """Return the event log of executing background run ``run_id`` (None otherwise)."""
        return self._logs.get(run_id)

    async def wait_done(self, run_id: str) -> None:
        """Return once background run ``run_id`` has ended (at once if it is not running)."""
        task = self._tasks.get(run_id)
        if task is not None:
            # why: asyncio.wait, not await: a joining client that leaves must not cancel the run
            await asyncio.wait([task])

    async def cancel(self, thread_id: str, run_id: str, *, wait: bool) -> None:
        """Cancel background run ``run_id``; with ``wait``, return after it stopped."""
        run = self.get(thread_id, run_id)
        task = self._tasks.get(run_id)
        if task is None:
            if run["status"] in ("pending", "running"):
                raise ApiError(
                    409,
                    f"Run {run_id!r} executes inside its request (wait/stream); "
                    "close that request to cancel it.",
                )
            return
        task.cancel()
        if wait:
            await self.wait_done(run_id)

    async def close(self) -> None:
        """Cancel every background run and wait for them to stop."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

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


def _run_config(
    assistant: dict[str, Any], request: RunRequest, thread_id: str, run_id: str
) -> dict[str, Any]:
    base, body = assistant["config"], request.config
    configurable = {**base.get("configurable", {}), **body.get("configurable", {})}
    # why: "__"-keys are the engine's own wiring and checkpoint_ns/thread_id address storage;
    # none of them may come from a request
    configurable = {k: v for k, v in configurable.items() if not k.startswith("__")}
    configurable.pop("checkpoint_ns", None)
    configurable["thread_id"] = thread_id
    if request.checkpoint_id:
        configurable["checkpoint_id"] = request.checkpoint_id
    metadata = {**base.get("metadata", {}), **body.get("metadata", {}), **request.metadata}
    metadata.update(
        run_id=run_id,
        thread_id=thread_id,
        assistant_id=assistant["assistant_id"],
        graph_id=assistant["graph_id"],
    )
    return {**base, **body, "configurable": configurable, "metadata": metadata}


def _stream(active: ActiveRun) -> AsyncIterator[Any]:
    request = active.request
    return active.graph.astream(
        request.command if request.command is not None else request.input,
        active.config,
        context=active.context,
        stream_mode=[STREAM_MODES[mode] for mode in request.stream_modes],
        subgraphs=request.stream_subgraphs,
        interrupt_before=request.interrupt_before,
        interrupt_after=request.interrupt_after,
    )


def _event(chunk: Any, subgraphs: bool) -> tuple[str, Any]:
    if subgraphs:
        namespace, mode, payload = chunk
        name = "|".join((mode, *namespace))
    else:
        mode, payload = chunk
        name = mode
    return name, to_jsonable(payload)
