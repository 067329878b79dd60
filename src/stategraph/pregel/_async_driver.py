"""Interpret the loop's effects with asyncio (the only async-specific code)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Any

from ..errors import GraphBubbleUp
from . import _callbacks
from ._runner import run_task_async
from ._writer import TaskWriter, put_reply

_DONE = object()


class AsyncRun:
    def __init__(self, max_concurrency: int | None = None) -> None:
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self.aloop = asyncio.get_running_loop()
        self.thread = threading.get_ident()
        self.semaphore = asyncio.Semaphore(max_concurrency) if max_concurrency else None

    def put(self, item: Any) -> None:
        if threading.get_ident() == self.thread:
            self.queue.put_nowait(item)
        else:
            self.aloop.call_soon_threadsafe(self.queue.put_nowait, item)


async def drive(loop: Any, run: AsyncRun) -> AsyncIterator[Any]:
    loop.executor_for_async = lambda: None
    loop.event_loop = run.aloop
    loop.event_loop_thread = run.thread
    loop.handle_async = lambda effect: handle(loop, effect)
    loop.handle_sync = lambda effect: _blocking_handle(loop, effect, run)
    pool: list[Any] = []

    def submit(fn: Any, *args: Any) -> Any:
        if not pool:
            from concurrent.futures import ThreadPoolExecutor

            pool.append(ThreadPoolExecutor(max_workers=64, thread_name_prefix="stategraph"))
        return pool[0].submit(fn, *args)

    loop.submit_sync = submit
    if loop.saver is not None and loop.durability == "async" and _groups_commits(loop.saver, "abatch"):
        loop.writer = TaskWriter(loop.saver)
    gen = loop.run()
    chunks = _drive(loop, run, gen)
    if loop.config.get("callbacks"):
        chunks = _callbacks.around_async(loop, chunks)  # the run reports to langchain-core callbacks
    try:
        async for chunk in chunks:
            yield chunk
    except BaseException:
        if loop.writer is not None:
            try:
                await loop.writer.flush()  # what the run committed before failing stays saved
            except Exception:
                pass
        raise
    else:
        if loop.writer is not None:
            await loop.writer.flush()
    finally:
        gen.close()


async def _drive(loop: Any, run: AsyncRun, gen: Any) -> AsyncIterator[Any]:
    """Send each effect's result (or error) back into the loop; yield chunks in between."""
    reply: Any = None
    error: BaseException | None = None
    q = run.queue
    streaming = bool(loop.sink.all_modes) or loop.sink.put is not None
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
                # why: a lone task is awaited inline: no asyncio task, no async generator per step
                await run_task_async(tasks[0])
                await _finish(loop, tasks[0])
            else:
                async for chunk in _run_tasks(loop, run, tasks):
                    yield chunk
        else:
            try:
                reply = await handle(loop, effect)
            except BaseException as exc:
                error = exc
    while not q.empty():
        yield q.get_nowait()


def _groups_commits(saver: Any, name: str) -> bool:
    from ._sync_driver import _groups_commits as check

    return check(saver, name)


def _blocking_handle(loop: Any, effect: tuple[Any, ...], run: AsyncRun) -> Any:
    """Run an effect from a worker thread of an async run (a sync task finishing)."""
    import asyncio

    return asyncio.run_coroutine_threadsafe(handle(loop, effect), run.aloop).result()


async def handle(loop: Any, effect: tuple[Any, ...]) -> Any:
    kind = effect[0]
    writer = loop.writer
    if writer is not None:
        if kind == "put":
            writer.submit(effect)
            return put_reply(effect)
        if kind == "put_writes":
            writer.submit(effect)
            return None
        await writer.flush()
    if kind == "put_writes_now":
        return await loop.saver.aput_writes(effect[1], effect[2], effect[3], effect[4])
    if kind == "put":
        return await loop.saver.aput(effect[1], effect[2], effect[3], effect[4])
    if kind == "put_writes":
        return await loop.saver.aput_writes(effect[1], effect[2], effect[3], effect[4])
    if kind == "get_tuple":
        return await loop.saver.aget_tuple(effect[1])
    if kind == "cache_get":
        return await loop.cache.aget(effect[1])
    if kind == "cache_set":
        return await loop.cache.aset(effect[1])
    raise AssertionError(f"unknown effect {kind!r}")


async def _finish(loop: Any, task: Any) -> None:
    effect = loop.task_done(task)
    if effect is not None:
        await handle(loop, effect)


async def _guarded(run: AsyncRun, task: Any) -> None:
    if run.semaphore is None:
        await run_task_async(task)
    else:
        async with run.semaphore:
            await run_task_async(task)


async def _run_tasks(loop: Any, run: AsyncRun, tasks: list[Any]) -> AsyncIterator[Any]:
    q = run.queue
    pending: list[asyncio.Task[Any]] = []
    for task in tasks:
        fut = asyncio.ensure_future(_guarded(run, task))
        fut.add_done_callback(lambda f, t=task: q.put_nowait((_DONE, t, f)))
        pending.append(fut)
    remaining = len(pending)
    failed = False
    try:
        while remaining:
            item = await q.get()
            if item[0] is not _DONE:
                yield item
                continue
            remaining -= 1
            _, task, fut = item
            if fut.cancelled():
                continue
            await _finish(loop, task)
            err = task.error
            if err is not None and not isinstance(err, GraphBubbleUp) and not failed and task.node.error_handler is None:
                failed = True
                for f in pending:
                    f.cancel()
    finally:
        for f in pending:
            if not f.done():
                f.cancel()
