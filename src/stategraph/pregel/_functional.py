"""Calling a ``@task`` from inside a running task: a PUSH task in the same superstep.

The child's id is derived from its parent's path and call index, so on resume the same call
finds its saved ``__return__`` write and resolves without running again.
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import inspect
import threading
from typing import Any

from ..constants import CALL, PUSH, RETURN
from ..errors import ErrorCode, coded
from ._context import current_task
from ._task import Task


class SyncAsyncFuture(concurrent.futures.Future):
    """A concurrent future that can also be awaited."""

    def __await__(self) -> Any:
        import asyncio

        return asyncio.wrap_future(self).__await__()


def _resolved(value: Any = None, error: BaseException | None = None) -> SyncAsyncFuture:
    fut = SyncAsyncFuture()
    if error is not None:
        fut.set_exception(error)
    else:
        fut.set_result(value)
    return fut


def _return_value(task: Task) -> Any:
    if task.error is not None:
        raise task.error
    for ch, v in task.writes:
        if ch == RETURN:
            return v
    return None


def _cache_key(child: Task) -> Any:
    """(full key, ttl) for a task call with a CachePolicy and a cache, else None."""
    from hashlib import blake2b

    from ..constants import CACHE_NS_WRITES

    policy = child.node.cache_policy or child.loop.graph.cache_policy
    if policy is None or child.loop.cache is None:
        return None
    args, kwargs = child.input
    raw = policy.key_func(*args, **kwargs)
    raw = raw.encode() if isinstance(raw, str) else raw
    return ((CACHE_NS_WRITES, child.name), blake2b(raw, digest_size=16).hexdigest()), policy.ttl


def _cache_hit(child: Task, found: dict[Any, Any]) -> bool:
    hit = found.get(child.cache_key[0]) if found else None
    if hit is None:
        return False
    child.writes, child.cached = list(hit), True
    return True


def _mark_call(child: Task) -> None:
    if child.error is None and child.parent is not None:
        child.writes.append((CALL, [child.parent.id, child.path[2], child.name]))


def _run_sync(child: Task) -> Any:
    from ._runner import run_task_sync

    loop = child.loop
    child.cache_key = _cache_key(child)
    if child.cache_key is not None and _cache_hit(
        child, loop.handle_sync(("cache_get", [child.cache_key[0]]))
    ):
        pass
    else:
        run_task_sync(child)
        if child.cache_key is not None and child.error is None:
            loop.handle_sync(
                ("cache_set", {child.cache_key[0]: (child.writes, child.cache_key[1])})
            )
    _mark_call(child)
    effect = loop.task_done(child)
    if effect is not None:
        loop.handle_sync(effect)
    return _return_value(child)


async def _run_async(child: Task) -> Any:
    from ._runner import run_task_async

    loop = child.loop
    child.cache_key = _cache_key(child)
    if child.cache_key is not None and _cache_hit(
        child, await loop.handle_async(("cache_get", [child.cache_key[0]]))
    ):
        pass
    else:
        await run_task_async(child)
        if child.cache_key is not None and child.error is None:
            await loop.handle_async(
                ("cache_set", {child.cache_key[0]: (child.writes, child.cache_key[1])})
            )
    _mark_call(child)
    effect = loop.task_done(child)
    if effect is not None:
        await loop.handle_async(effect)
    return _return_value(child)


def call_task(name: str, node: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Schedule ``node`` as a child of the running task; return a future of its result."""
    parent = current_task(f"task {name!r}")
    loop = parent.loop
    index = parent.call_index
    parent.call_index += 1
    recorded = loop.saved_calls.get((parent.id, index))
    if recorded is not None and recorded != name:
        raise coded(
            RuntimeError,
            f"Task call #{index} in {parent.name!r} was {recorded!r} when this thread first ran, but is "
            f"{name!r} now. An entrypoint or node must call tasks in the same order every time it runs; "
            "move non-deterministic choices into a task (or journal them with runtime.step).",
            ErrorCode.RUN_NON_DETERMINISTIC,
            node=parent.name,
            task=name,
            position=index,
        )
    child = Task(
        loop,
        node,
        name,
        (args, kwargs),
        (PUSH, parent.path, index, parent.id, "call"),
        (PUSH,),
        step=parent.step,
    )
    child.parent = parent
    child.call = None
    if loop.want_task_events:
        # its "tasks"/"debug" start event as soon as the call is made, as in LangGraph: also a
        # resumed call that finds its recorded result
        from ._events import emit_task_start

        emit_task_start(loop, child)
    saved = loop.saved_writes.get(child.id)
    if saved:
        from ..constants import RESUME
        from ._algo import is_finished

        if is_finished(saved) and not loop.rerun_finished:
            return _resolved(next((v for ch, v in saved if ch == RETURN), None))
        for ch, v in saved:
            if ch == RESUME:
                child.resume = list(v)
    aloop = loop.event_loop
    on_loop_thread = aloop is not None and threading.get_ident() == loop.event_loop_thread
    if node.afunc is not None and node.func is None:
        if not on_loop_thread:
            raise RuntimeError(
                f"Task {name!r} is async and was called from a sync context: call it from an async "
                "entrypoint/node and await it, or make the task a plain function."
            )
        import asyncio

        return asyncio.ensure_future(_run_async(child))
    ctx = contextvars.copy_context()
    if on_loop_thread:
        return aloop.run_in_executor(None, ctx.run, _run_sync, child)
    return loop.submit_sync(ctx.run, _run_sync, child)


def journal_step(name: str, fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Run ``fn`` once per thread: record its result as a write of a child task id.

    When the calling node re-runs (after an interrupt, an error or a crash), the call at the
    same position finds its recorded result and returns it without calling ``fn`` again.
    """
    loop, child, saved = _journal_slot(name, "runtime.step")
    if saved:
        return saved[0]
    value = fn(*args, **kwargs)
    if inspect.isawaitable(value):
        raise TypeError(
            f"runtime.step({name!r}, ...) got an async function: use `await runtime.astep(...)`."
        )
    _record(loop, child, value, sync=True)
    return value


async def ajournal_step(name: str, fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    loop, child, saved = _journal_slot(name, "runtime.astep")
    if saved:
        return saved[0]
    value = fn(*args, **kwargs)
    if inspect.isawaitable(value):
        value = await value
    effect = _record(loop, child, value, sync=False)
    if effect is not None:
        await loop.handle_async(effect)
    return value


def _journal_slot(name: str, caller: str) -> tuple[Any, Task, list[Any]]:
    """The running loop, the child task id of this call (by position), and its recorded result.

    The result list is empty when this call has no recorded result yet.
    """
    parent = current_task(caller)
    loop = parent.loop
    index = parent.call_index
    parent.call_index += 1
    path = (PUSH, parent.path, index, parent.id, "step")
    child = Task(loop, parent.node, name, None, path, (PUSH,), step=parent.step)
    saved = loop.saved_writes.get(child.id) or ()
    return loop, child, [v for ch, v in saved if ch == RETURN][:1]


def _record(loop: Any, child: Task, value: Any, *, sync: bool) -> Any:
    # why: journaled results are committed at once, whatever the durability mode: that is the
    # whole guarantee (a later crash must not lose them)
    loop.saved_writes[child.id] = [(RETURN, value)]
    if loop.saver is None:
        return None
    effect = ("put_writes_now", loop.checkpoint_config, [(RETURN, value)], child.id, "")
    if sync:
        loop.handle_sync(effect)
        return None
    return effect
