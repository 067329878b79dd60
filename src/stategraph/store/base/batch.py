"""``AsyncBatchedBaseStore``: a store base that merges concurrent async calls into one ``abatch``.

The path mirrors ``langgraph.store.base.batch``.  Subclass it and implement only ``abatch``:
the ``aget``/``aput``/``asearch``/... calls made in the same event-loop iteration reach
``abatch`` as one list of ops, and the sync methods run on the store's loop from other threads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable

# the ``X as X`` imports: LangGraph's batch module also exposes the store's op and item types
from . import NOT_PROVIDED as NOT_PROVIDED
from . import BaseStore, Op, Result
from . import GetOp as GetOp
from . import Item as Item
from . import ListNamespacesOp as ListNamespacesOp
from . import MatchCondition as MatchCondition
from . import NotProvided as NotProvided
from . import PutOp as PutOp
from . import SearchItem as SearchItem
from . import SearchOp as SearchOp

__all__ = ["AsyncBatchedBaseStore"]

_Waiting = tuple[list[Op], "asyncio.Future[list[Result]]"]


class _Coalescer:
    """Collect the op lists awaited in one loop iteration; run them as one batch."""

    def __init__(self, run: Callable[[list[Op]], Awaitable[list[Result]]]) -> None:
        self._run = run
        self._waiting: list[_Waiting] = []  # Invariant: non-empty iff a flush is scheduled

    async def __call__(self, ops: Iterable[Op]) -> list[Result]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[Result]] = loop.create_future()
        self._waiting.append((list(ops), future))
        if len(self._waiting) == 1:
            loop.call_soon(self._flush, loop)
        return await future

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        waiting, self._waiting = self._waiting, []
        loop.create_task(self._execute(waiting))

    async def _execute(self, waiting: list[_Waiting]) -> None:
        try:
            results = await self._run([op for ops, _ in waiting for op in ops])
        except Exception as exc:  # every caller of the batch sees the failure
            for _, future in waiting:
                if not future.done():
                    future.set_exception(exc)
            return
        start = 0
        for ops, future in waiting:
            if not future.done():  # the caller may have been cancelled meanwhile
                future.set_result(list(results[start : start + len(ops)]))
            start += len(ops)


class AsyncBatchedBaseStore(BaseStore):
    """A ``BaseStore`` that implements only ``abatch`` and gets batching for free.

    Create it inside a running event loop.  The sync methods (``get``, ``put``, ``batch``...)
    must be called from another thread; they run on that loop and wait.

    Examples:
        >>> import asyncio
        >>> from stategraph.store.base import PutOp
        >>> from stategraph.store.base.batch import AsyncBatchedBaseStore
        >>> class DictStore(AsyncBatchedBaseStore):  # handles PutOp only
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.data, self.batch_sizes = {}, []
        ...     async def abatch(self, ops):
        ...         self.batch_sizes.append(len(ops))
        ...         for op in ops:
        ...             if isinstance(op, PutOp):
        ...                 self.data[op.namespace, op.key] = op.value
        ...         return [None] * len(ops)
        >>> async def main():
        ...     store = DictStore()
        ...     await asyncio.gather(*(store.aput(("a",), str(i), {"i": i}) for i in range(3)))
        ...     return store.batch_sizes, len(store.data)
        >>> asyncio.run(main())  # three concurrent puts, one abatch call
        ([3], 3)
    """

    def __init__(self) -> None:
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(
                f"{type(self).__name__}() must be created inside a running event loop (it batches "
                "async calls on that loop): create it in an async function."
            ) from None
        # why: the friendly async methods of BaseStore all go through self.abatch; shadowing it
        # on the instance routes them (and direct abatch calls) through the coalescer while
        # subclasses keep overriding abatch as usual.
        self.abatch = _Coalescer(type(self).abatch.__get__(self))  # type: ignore[method-assign]

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        """Run ``ops`` on the store's event loop from another thread and wait for the results."""
        if self._loop.is_closed():
            raise RuntimeError(f"The event loop of this {type(self).__name__} is closed.")
        if _runs_loop(self._loop):
            raise RuntimeError(
                f"Sync {type(self).__name__} methods were called on its own event loop thread, "
                "which would deadlock: use the async methods (aget, aput, asearch...) there."
            )
        return asyncio.run_coroutine_threadsafe(self.abatch(list(ops)), self._loop).result()


def _runs_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:  # no loop runs in this thread, so neither does the store's
        return False
