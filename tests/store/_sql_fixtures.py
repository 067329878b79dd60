"""Fixtures shared by the SQL store suites: a fake clock and the conformance hooks.

``SqlConformance`` runs ``StoreConformance`` with a fake expiry clock (TTL tests take
no real time).  ``AsyncSqlConformance`` adapts it to stores whose sync API only
works from another thread: the behaviour tests run in ``async`` mode, and the two
tests that call the sync API directly are replaced by thread-based ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from stategraph.store.base import BaseStore

from .conformance import TTL_MINUTES, TTL_SECONDS, StoreConformance


class FakeClock:
    """A settable clock standing in for ``time.time``."""

    def __init__(self) -> None:
        self.now = 2_000_000_000.0

    def __call__(self) -> float:
        return self.now


class SqlConformance(StoreConformance):
    """The conformance suite with a fake TTL clock; subclasses provide ``open_store``."""

    @pytest.fixture
    def clock(self) -> FakeClock:
        return FakeClock()

    @pytest.fixture
    def open_store(self) -> Callable[..., BaseStore]:
        raise NotImplementedError("backend test classes provide open_store(**kwargs)")

    @pytest.fixture
    def make_store(self, open_store: Callable[..., BaseStore], clock: FakeClock):
        def make(**kwargs: Any) -> BaseStore:
            store = open_store(**kwargs)
            store._clock = clock  # type: ignore[attr-defined]
            return store

        return make

    @pytest.fixture
    def advance(self, clock: FakeClock) -> Callable[[float], Awaitable[None]]:
        async def advance(seconds: float) -> None:
            clock.now += seconds

        return advance


class AsyncSqlConformance(SqlConformance):
    """For async stores: async mode only; sync calls are tested from worker threads."""

    @pytest.fixture(params=["async"])
    def mode(self, request: pytest.FixtureRequest) -> str:
        return request.param

    async def test_sweep_ttl_removes_expired(self, make_store: Any, advance: Any) -> None:
        store = make_store()
        await store.aput(("docs",), "a", {"v": 1}, ttl=TTL_MINUTES)
        await store.aput(("docs",), "b", {"v": 1})
        await advance(TTL_SECONDS * 2)
        assert await store.sweep_ttl() == 1
        assert await store.sweep_ttl() == 0
        assert [item.key for item in await store.asearch(("docs",))] == ["b"]

    async def test_concurrent_thread_writers(self, make_store: Any) -> None:  # type: ignore[override]
        store = make_store()
        await store.aput(("warm",), "k", {"v": 0})  # binds the store to this loop

        def write(worker: int) -> None:
            for i in range(10):
                store.put(("shared",), f"w{worker}-{i}", {"worker": worker, "i": i})
                assert store.get(("shared",), f"w{worker}-{i}").value["i"] == i

        await asyncio.gather(*(asyncio.to_thread(write, worker) for worker in range(4)))
        assert len(await store.asearch(("shared",), limit=100)) == 40

    async def test_sync_call_from_its_own_loop_is_refused(self, make_store: Any) -> None:
        store = make_store()
        await store.aput(("docs",), "k", {"v": 1})
        with pytest.raises(asyncio.InvalidStateError, match="would deadlock"):
            store.get(("docs",), "k")
