"""Running one task: call the node, run its writers, retry per policy, route parent commands.

The attempt logic is shared; only the call/sleep lines differ between the sync and async forms.
"""

from __future__ import annotations

import contextvars
import dataclasses
import inspect
import logging
import time
from typing import Any

from ..constants import CONF
from ..errors import ErrorCode, GraphBubbleUp, InvalidUpdateError, ParentCommand, coded
from ..types import Command
from . import _trace
from ._context import CURRENT_TASK
from ._retry import retry_delay
from ._task import Task

logger = logging.getLogger("stategraph.pregel")  # see docs/observability.md


def _policies(task: Task) -> Any:
    return task.node.retry_policy or task.loop.graph.retry_policy


def _async_only_error(task: Task) -> TypeError:
    # why: TypeError, the type LangGraph raises for a coroutine function run synchronously
    return coded(
        TypeError,
        f"Node '{task.name}' is async (or has an async conditional edge) but the graph was run with a "
        "sync method. Use ainvoke()/astream() for graphs with async nodes, or make the node a plain function.",
        ErrorCode.RUN_ASYNC_IN_SYNC, node=task.name,
    )


def _on_failure(task: Task, exc: BaseException) -> float | None:
    """Record the failure on the task; return a retry delay if it should be retried."""
    if isinstance(exc, ParentCommand):
        return _route_parent_command(task, exc)
    if isinstance(exc, GraphBubbleUp) or not isinstance(exc, Exception):
        task.error = exc
        return None
    delay = retry_delay(_policies(task), exc, task.attempt)
    if delay is None:
        task.error = exc
        return None
    logger.info(
        "Node %r failed on attempt %d (%s: %s); retrying in %.3g s",
        task.name, task.attempt, type(exc).__name__, exc, delay,
    )  # fmt: skip
    task.writes.clear()
    task.attempt += 1
    task.runtime = None  # rebuilt with the new node_attempt
    return delay


def _route_parent_command(task: Task, exc: ParentCommand) -> None:
    cmd = exc.command
    if cmd.graph == Command.PARENT:
        loop = task.loop
        if not loop.is_nested:
            task.error = InvalidUpdateError("There is no parent graph: Command(graph=Command.PARENT) was returned by a node of the root graph.")
        else:
            task.error = ParentCommand(dataclasses.replace(cmd, graph=loop.checkpoint_ns))
        return None
    if cmd.graph == task.ns:
        task.call = dataclasses.replace(cmd, graph=None)  # apply through this task's writers
        return None
    task.error = exc
    return None


def run_task_sync(task: Task) -> None:
    """Run a task's node (with retries) and its writers; errors land in ``task.error``."""
    if _trace.TRACER is None:
        return _run_sync(task)
    with _trace.task_scope(task):
        return _run_sync(task)


def _run_sync(task: Task) -> None:
    node = task.node
    token = CURRENT_TASK.set(task)
    try:
        while True:
            try:
                if task.call is not None:
                    out, task.call = task.call, None
                else:
                    if node.func is None:
                        raise _async_only_error(task)
                    out = node.func(task.input, task)
                for writer in node.writers:
                    res = writer(out, task)
                    if res is not None and inspect.isawaitable(res):
                        res.close() if hasattr(res, "close") else None
                        raise _async_only_error(task)
                return
            except BaseException as exc:
                delay = _on_failure(task, exc)
                if task.call is not None:
                    continue
                if delay is None:
                    return
                time.sleep(delay)
    finally:
        CURRENT_TASK.reset(token)


async def call_in_thread(func: Any, value: Any, task: Task) -> Any:
    import asyncio

    ctx = contextvars.copy_context()
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(task.loop.executor_for_async(), ctx.run, func, value, task)


async def _with_timeout(coro: Any, task: Task, seconds: float) -> Any:
    import asyncio

    from ..errors import NodeTimeoutError

    try:
        return await asyncio.wait_for(coro, seconds)
    except TimeoutError:
        raise NodeTimeoutError(
            f"Node '{task.name}' exceeded its run timeout of {seconds} s (attempt {task.attempt}). "
            "Raise the timeout, or make the node faster; the default retry policy retries this.",
            node=task.name, kind="run", run_timeout=seconds,
        ) from None


async def run_task_async(task: Task) -> None:
    """``run_task_sync`` for the async driver."""
    if _trace.TRACER is None:
        return await _run_async(task)
    with _trace.task_scope(task):
        return await _run_async(task)


async def _run_async(task: Task) -> None:
    import asyncio

    node = task.node
    token = CURRENT_TASK.set(task)
    try:
        while True:
            try:
                if task.call is not None:
                    out, task.call = task.call, None
                elif node.afunc is not None:
                    timeout = task.timeout
                    if timeout is not None and timeout.run_timeout is not None:
                        out = await _with_timeout(node.afunc(task.input, task), task, timeout.run_timeout)
                    else:
                        out = await node.afunc(task.input, task)
                else:
                    out = await call_in_thread(node.func, task.input, task)
                for writer in node.writers:
                    res = writer(out, task)
                    if res is not None and inspect.isawaitable(res):
                        await res
                return
            except asyncio.CancelledError:
                raise
            except BaseException as exc:
                delay = _on_failure(task, exc)
                if task.call is not None:
                    continue
                if delay is None:
                    return
                await asyncio.sleep(delay)
    finally:
        CURRENT_TASK.reset(token)


__all__ = ["run_task_sync", "run_task_async", "call_in_thread", "CONF"]
