"""The store shells around the shared plans: checking, embedding, TTL sweeping.

``SqlStore`` turns a batch into a plan.  ``SyncSqlStore`` and ``AsyncSqlStore``
differ only in how they embed and drive it (``_run`` / ``_arun``, given by each
database's store) and in the sweeper's kind (a thread or a task).
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from typing import Any, ClassVar, Literal

from ...errors import ErrorCode, coded
from .._embed import Embedder, ensure_embedder
from .._validate import check_index_config
from ..base import (
    NOT_PROVIDED,
    BaseStore,
    GetOp,
    IndexConfig,
    Item,
    NotProvided,
    Op,
    Result,
    SearchOp,
    TTLConfig,
)
from . import plans
from .codec import encode_namespace
from .dialect import StoreDialect
from .prepare import PreparedBatch, attach_vectors, prepare
from .queries import queries_for

__all__ = ["AsyncSqlStore", "SqlStore", "SyncSqlStore"]

logger = logging.getLogger("stategraph.store")
DEFAULT_SWEEP_MINUTES = 5.0
STATS_CHECK_SECONDS = 30.0  # see StoreDialect.stale_statistics
_PREFIX_CACHE_MAX = 4096


class SqlStore(BaseStore):
    """A store whose operations are the shared SQL plans of ``store._sql.plans``."""

    supports_ttl = True
    dialect: ClassVar[StoreDialect]

    def __init__(self, *, index: IndexConfig | None = None, ttl: TTLConfig | None = None) -> None:
        self.index_config: IndexConfig | None = check_index_config(index) if index else None
        self.embeddings: Embedder | None = (
            ensure_embedder(self.index_config["embed"]) if self.index_config else None
        )
        self.ttl_config = ttl
        self.is_setup = False
        # why: expiry is decided on this clock; tests substitute a fake one
        self._clock: Callable[[], float] = time.time
        self._stats_checked_at = -math.inf  # time.monotonic() of the last statistics check
        self._select_item = queries_for(self.dialect).select_item
        self._get_prefixes: dict[tuple[str, ...], str] = {}  # checked namespace -> encoded

    def _plan(self, batch: PreparedBatch) -> tuple[plans.Plan[list[Result]], dict[str, bool]]:
        """Return the batch's plan and the ``_run`` options it needs (write, atomic)."""
        if self.index_config is not None:
            attach_vectors(batch, self.index_config["dims"])
        plan = plans.run_batch(self.dialect, batch, plans.Clock(self._clock(), time.time()))
        if self._statistics_due(batch):
            plan = plans.refresh_statistics(self.dialect, plan)
        atomic = batch.needs_transaction(
            one_statement_put=self.dialect.clears_in_upsert,
            snapshot_reads=self.dialect.snapshot_reads,
        )
        return plan, {"write": batch.writes, "atomic": atomic}

    def _statistics_due(self, batch: PreparedBatch) -> bool:
        """True for a search batch when the planner statistics were not checked lately."""
        if self.dialect.stale_statistics is None:
            return False
        if not any(isinstance(op, SearchOp) for op in batch.ops):
            return False
        now = time.monotonic()
        if now - self._stats_checked_at < STATS_CHECK_SECONDS:
            return False
        self._stats_checked_at = now  # why: a race only costs one extra cheap check
        return True

    def _sweep_seconds(self, minutes: float | None) -> float:
        if minutes is None:
            minutes = (self.ttl_config or {}).get("sweep_interval_minutes") or DEFAULT_SWEEP_MINUTES
        return float(minutes) * 60


class SyncSqlStore(SqlStore):
    """A store on a blocking connection; ``abatch`` runs the I/O in a worker thread."""

    _sweeper: tuple[threading.Event, threading.Thread] | None = None

    def _run(self, plan: plans.Plan[Any], *, write: bool, atomic: bool = True) -> Any:
        """Run ``plan``: in one transaction if ``atomic``, taking write locks if ``write``."""
        raise NotImplementedError

    def _read(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """Run one read-only statement outside any explicit transaction; return its rows."""
        raise NotImplementedError

    def get(
        self, namespace: tuple[str, ...], key: str, *, refresh_ttl: bool | None = None
    ) -> Item | None:
        """Return the item at ``namespace``/``key``, or None: one statement, no transaction.

        An item whose TTL the read must extend takes the batch path (a read and a write).
        """
        try:  # a namespace read before is checked and encoded already
            prefix = self._get_prefixes.get(namespace) if type(key) is str else None
        except TypeError:  # unhashable (a list, say): the checks below say what is wrong
            prefix = None
        if prefix is None:
            op = self._get_op(namespace, key, refresh_ttl)  # checks (and raises) first
            namespace, key = op.namespace, op.key
            prefix = encode_namespace(namespace)
            if len(self._get_prefixes) >= _PREFIX_CACHE_MAX:
                self._get_prefixes.clear()  # bounded: distinct namespaces cannot grow it
            self._get_prefixes[namespace] = prefix
        rows = self._read(self._select_item, (prefix, key, self._clock()))
        if not rows:
            return None
        if rows[0][3] is not None and self._refresh(refresh_ttl):  # a TTL the read extends
            return self.batch([GetOp(namespace, key, True)])[0]  # type: ignore[return-value]
        return plans.item_at(self.dialect, namespace, key, rows[0])

    async def aget(
        self, namespace: tuple[str, ...], key: str, *, refresh_ttl: bool | None = None
    ) -> Item | None:
        """Async ``get``: the sync one in a worker thread."""
        return await asyncio.to_thread(self.get, namespace, key, refresh_ttl=refresh_ttl)

    def _write(self, query: plans.Query) -> None:
        """Run one statement that is atomic alone, in autocommit (no BEGIN/COMMIT)."""
        self._run(_single(query), write=True, atomic=False)

    def put(
        self,
        namespace: tuple[str, ...],
        key: str,
        value: dict[str, Any],
        index: Literal[False] | list[str] | None = None,
        *,
        ttl: float | None | NotProvided = NOT_PROVIDED,
    ) -> None:
        """Store ``value`` at ``namespace``/``key``; one statement when nothing is embedded."""
        op = self._put_op(namespace, key, value, index, ttl)
        if self.index_config is None or index is False:
            clock = plans.Clock(self._clock(), time.time())
            query = plans.one_statement_put(self.dialect, op, clock)
            if query is not None:
                self._write(query)
                return
        self.batch([op])

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        """Run ``ops`` in one transaction (reads first, then the puts); one result per op."""
        batch = prepare(ops, self.index_config)
        if batch.request and self.embeddings is not None:
            self.embeddings.fill(batch.request)
        plan, options = self._plan(batch)
        return self._run(plan, **options)

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        """Run ``ops`` without blocking the event loop (the I/O runs in a thread)."""
        batch = prepare(ops, self.index_config)
        if batch.request and self.embeddings is not None:
            await self.embeddings.afill(batch.request)
        plan, options = self._plan(batch)
        return await asyncio.to_thread(lambda: self._run(plan, **options))

    def sweep_ttl(self) -> int:
        """Delete every expired item now and return how many were removed."""
        return self._run(plans.sweep(self.dialect, self._clock()), write=True)

    def start_ttl_sweeper(self, sweep_interval_minutes: float | None = None) -> Future[None]:
        """Sweep expired items every interval in a daemon thread until stopped.

        The interval defaults to ``ttl_config["sweep_interval_minutes"]``, else 5
        minutes.  The returned future completes when the sweeper stops.
        """
        self.stop_ttl_sweeper()
        interval = self._sweep_seconds(sweep_interval_minutes)
        stop = threading.Event()
        done: Future[None] = Future()

        def loop() -> None:
            try:
                while not stop.wait(interval):
                    try:
                        self.sweep_ttl()
                    except Exception:  # why: one failed sweep must not end the sweeper
                        logger.exception("TTL sweep of %s failed; retrying next interval", self)
            finally:
                done.set_result(None)

        thread = threading.Thread(target=loop, name="stategraph-ttl-sweeper", daemon=True)
        self._sweeper = (stop, thread)
        thread.start()
        return done

    def stop_ttl_sweeper(self, timeout: float | None = None) -> bool:
        """Stop the sweeper; return True once it has stopped (or none was running)."""
        if self._sweeper is None:
            return True
        stop, thread = self._sweeper
        stop.set()
        thread.join(timeout)
        if thread.is_alive():
            return False
        self._sweeper = None
        return True


def _single(query: plans.Query) -> plans.Plan[None]:
    yield query


class AsyncSqlStore(SqlStore):
    """A store on an asyncio connection; sync methods work only from other threads."""

    _sweeper: tuple[asyncio.Event, asyncio.Task[None]] | None = None
    loop: asyncio.AbstractEventLoop | None = None

    async def _arun(self, plan: plans.Plan[Any], *, write: bool, atomic: bool = True) -> Any:
        """Run ``plan``: in one transaction if ``atomic``, taking write locks if ``write``."""
        raise NotImplementedError

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        """Run ``ops`` in one transaction (reads first, then the puts); one result per op."""
        self.loop = asyncio.get_running_loop()
        batch = prepare(ops, self.index_config)
        if batch.request and self.embeddings is not None:
            await self.embeddings.afill(batch.request)
        plan, options = self._plan(batch)
        return await self._arun(plan, **options)

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        """Run ``ops`` on the store's event loop from another thread, blocking."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if self.loop is None or running is self.loop or not self.loop.is_running():
            raise coded(
                asyncio.InvalidStateError,
                f"{type(self).__name__} was called synchronously "
                + (
                    "from its own event loop, which would deadlock"
                    if running
                    else "with no running event loop"
                )
                + ". Use the a-methods (aget, aput, asearch...) in async code; sync calls "
                "work only from another thread while the store's loop runs.",
                ErrorCode.RUN_ASYNC_IN_SYNC,
            )
        return asyncio.run_coroutine_threadsafe(self.abatch(ops), self.loop).result()

    async def sweep_ttl(self) -> int:  # type: ignore[override]
        """Delete every expired item now and return how many were removed."""
        return await self._arun(plans.sweep(self.dialect, self._clock()), write=True)

    async def start_ttl_sweeper(
        self, sweep_interval_minutes: float | None = None
    ) -> asyncio.Task[None]:
        """Sweep expired items every interval in a background task until stopped."""
        await self.stop_ttl_sweeper()
        interval = self._sweep_seconds(sweep_interval_minutes)
        stop = asyncio.Event()

        async def loop() -> None:
            while True:
                try:
                    await asyncio.wait_for(stop.wait(), interval)
                    return
                except TimeoutError:
                    pass
                try:
                    await self.sweep_ttl()
                except Exception:  # why: one failed sweep must not end the sweeper
                    logger.exception("TTL sweep of %s failed; retrying next interval", self)

        task = asyncio.create_task(loop(), name="stategraph-ttl-sweeper")
        self._sweeper = (stop, task)
        return task

    async def stop_ttl_sweeper(self, timeout: float | None = None) -> bool:
        """Stop the sweeper; return True once it has stopped (or none was running)."""
        if self._sweeper is None:
            return True
        stop, task = self._sweeper
        stop.set()
        done, _ = await asyncio.wait([task], timeout=timeout)
        if not done:
            return False
        self._sweeper = None
        return True
