"""Interpret the loop's effects with blocking calls and a thread pool (the only sync-specific code)."""

from __future__ import annotations

import contextvars
import os
import queue
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

from ..errors import GraphBubbleUp
from . import _callbacks
from ._runner import run_task_sync
from ._writer import ThreadWriter, put_reply

_DONE = object()


class SyncRun:
    """One run's queue and executor; ``put`` is what the stream sink writes to."""

    def __init__(self, max_concurrency: int | None = None) -> None:
        self.queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.put = self.queue.put
        self.max_concurrency = max_concurrency
        self._executor: ThreadPoolExecutor | None = None
        self._futures: list[Future[Any]] = []
        self._prune_at = 256

    def executor(self) -> ThreadPoolExecutor:
        if self._executor is None:
            if self.max_concurrency is None and _IDLE_EXECUTORS:
                try:
                    self._executor = _IDLE_EXECUTORS.pop()
                    return self._executor
                except IndexError:  # another run took the last one meanwhile
                    pass
            from concurrent.futures import ThreadPoolExecutor

            # why: task calls block their caller's thread on a child; a small pool would deadlock
            self._executor = ThreadPoolExecutor(
                max_workers=self.max_concurrency or 64, thread_name_prefix="stategraph"
            )
        return self._executor

    def submit(self, fn: Any, *args: Any) -> Future[Any]:
        future = self.executor().submit(fn, *args)
        futures = self._futures
        if len(futures) >= self._prune_at:
            # keep only what may still run (a done future holds its task); amortised O(1)
            futures[:] = [f for f in futures if not f.done()]
            self._prune_at = max(256, 2 * len(futures))
        futures.append(future)
        return future

    def close(self) -> None:
        executor = self._executor
        if executor is None:
            return
        self._executor = None
        if (
            self.max_concurrency is None
            and len(_IDLE_EXECUTORS) < _KEEP_IDLE
            and all(f.done() for f in self._futures)
        ):
            _IDLE_EXECUTORS.append(executor)
        else:
            executor.shutdown(wait=False, cancel_futures=True)


# why: starting a thread costs 0.1-1 ms when busy threads hold the GIL, more than a small task
# does.  A run that ends with nothing in flight hands its executor, idle threads included, to
# the next run; each run still owns one executor (up to 64 threads) while it runs, as before.
_IDLE_EXECUTORS: list[ThreadPoolExecutor] = []
_KEEP_IDLE = 4


def _forget_idle_executors() -> None:
    _IDLE_EXECUTORS.clear()  # a forked child has none of their threads


os.register_at_fork(after_in_child=_forget_idle_executors)


def drive(loop: Any, run: SyncRun) -> Iterator[Any]:
    """Run ``loop`` to completion, yielding stream chunks as they are produced."""
    loop.executor_for_async = lambda: None
    loop.handle_sync = lambda effect: handle(loop, effect)
    if (
        loop.saver is not None
        and loop.durability == "async"
        and _groups_commits(loop.saver, "batch")
    ):
        loop.writer = ThreadWriter(loop.saver)
    loop.submit_sync = run.submit
    gen = loop.run()
    chunks = _pump(loop, run, gen)
    if loop.config.get("callbacks"):
        chunks = _callbacks.around_sync(loop, chunks)  # the run reports to langchain-core callbacks
    try:
        yield from chunks
        if loop.writer is not None:
            loop.writer.flush()
    except BaseException:
        if loop.writer is not None:
            try:
                loop.writer.flush()  # what the run committed before failing stays saved
            except Exception:
                pass
        raise
    finally:
        gen.close()
        if loop.writer is not None:
            loop.writer.close()
        run.close()


def _pump(loop: Any, run: SyncRun, gen: Any) -> Iterator[Any]:
    """Send each effect's result (or error) back into the loop; yield chunks in between."""
    q = run.queue
    streaming = bool(loop.sink.all_modes) or loop.sink.put is not None
    reply: Any = None
    error: BaseException | None = None
    while True:
        try:
            effect = gen.throw(error) if error is not None else gen.send(reply)
        except StopIteration as stop:
            loop.status = stop.value or loop.status
            break
        except BaseException:
            while not q.empty():
                yield q.get_nowait()
            raise
        reply, error = None, None
        if effect[0] == "run":
            # why: a step's chunks reach the consumer once the step is committed (the put came
            # before this next "run"), as LangGraph delivers them: a consumer that stops
            # reading after a chunk leaves that step saved, not half applied
            if streaming:
                while not q.empty():
                    yield q.get_nowait()
            tasks = effect[1]
            if len(tasks) == 1 and not loop.live_stream:
                # why: a lone task runs inline: no executor hop, no generator per step
                run_task_sync(tasks[0])
                follow_up = loop.task_done(tasks[0])
                if follow_up is not None:
                    handle(loop, follow_up)
            else:
                yield from _run_tasks(loop, run, tasks)
        else:
            try:
                reply = handle(loop, effect)
            except BaseException as exc:
                error = exc
    while not q.empty():
        yield q.get_nowait()


def _groups_commits(saver: Any, name: str) -> bool:
    # only savers that commit a batch in one transaction gain from writing behind the run;
    # for in-process savers the hand-off would cost more than the put
    from ..checkpoint.base import BaseCheckpointSaver

    return getattr(type(saver), name, None) is not getattr(BaseCheckpointSaver, name)


def handle(loop: Any, effect: tuple[Any, ...]) -> Any:
    kind = effect[0]
    writer = loop.writer
    if writer is not None:
        if kind == "put":
            writer.submit(effect)
            return put_reply(effect)
        if kind == "put_writes":
            writer.submit(effect)
            return None
        writer.flush()  # reads and commit-now ops see everything queued before them
    if kind == "put_writes_now":
        return loop.saver.put_writes(effect[1], effect[2], effect[3], effect[4])
    if kind == "put":
        return loop.saver.put(effect[1], effect[2], effect[3], effect[4])
    if kind == "put_writes":
        return loop.saver.put_writes(effect[1], effect[2], effect[3], effect[4])
    if kind == "get_tuple":
        return loop.saver.get_tuple(effect[1])
    if kind == "cache_get":
        return loop.cache.get(effect[1])
    if kind == "cache_set":
        return loop.cache.set(effect[1])
    raise AssertionError(f"unknown effect {kind!r}")


def _finish(loop: Any, task: Any) -> None:
    effect = loop.task_done(task)
    if effect is not None:
        handle(loop, effect)


def _run_tasks(loop: Any, run: SyncRun, tasks: list[Any]) -> Iterator[Any]:
    q = run.queue
    futures: list[Future[Any]] = []
    for task in tasks:
        ctx = contextvars.copy_context()
        fut = run.submit(ctx.run, run_task_sync, task)
        fut.add_done_callback(lambda f, t=task: q.put((_DONE, t, f)))
        futures.append(fut)
    remaining = len(futures)
    failed = False
    while remaining:
        item = q.get()
        if item[0] is not _DONE:
            yield item
            continue
        remaining -= 1
        _, task, fut = item
        if fut.cancelled():
            continue
        _finish(loop, task)
        err = task.error
        if (
            err is not None
            and not isinstance(err, GraphBubbleUp)
            and not failed
            and task.node.error_handler is None
        ):
            failed = True
            # why: every task of a step is started at once (as LangGraph starts them), so a
            # sibling still waiting for its thread to spawn runs too and its writes are saved
            # for the resume; only a max_concurrency queue drops the tasks it has not started
            if run.max_concurrency is not None:
                for f in futures:
                    f.cancel()
