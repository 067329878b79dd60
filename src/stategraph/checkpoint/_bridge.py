"""Run a saver's sync primitive from async code, or its async primitive from sync code.

A saver implements one side; ``BaseCheckpointSaver`` uses these two functions to
offer the other, so no backend hand-keeps sync/async twins.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from ..errors import ErrorCode, coded

__all__ = ["run_blocking", "run_sync"]

T = TypeVar("T")


async def run_sync(fn: Callable[[], T], *, inline: bool) -> T:
    """Run ``fn`` for an async caller: inline if it never blocks, else in a worker thread."""
    if inline:
        return fn()
    return await asyncio.to_thread(fn)


def run_blocking(
    make: Callable[[], Coroutine[Any, Any, T]],
    loop: asyncio.AbstractEventLoop | None,
    *,
    owner: str,
) -> T:
    """Run the coroutine built by ``make`` to completion for a sync caller.

    With ``loop`` running (an async-native saver bound to it), the coroutine is
    submitted to that loop and this thread waits; calling from the loop's own thread
    would deadlock, so it raises instead.  Without a running loop it gets its own.
    """
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if loop is not None and loop.is_running() and running is not loop:
        return asyncio.run_coroutine_threadsafe(make(), loop).result()
    if running is not None:
        raise coded(  # the type LangGraph's async savers raise here
            asyncio.InvalidStateError,
            f"{owner} was called synchronously from inside a running event loop, which would "
            "block that loop. Use the async method instead (e.g. `await saver.aget_tuple(...)`, "
            "`await graph.ainvoke(...)`), or make the sync call from another thread.",
            ErrorCode.RUN_ASYNC_IN_SYNC,
        )
    return asyncio.run(make())
