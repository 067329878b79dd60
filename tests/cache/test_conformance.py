"""Run the cache conformance suite over every backend, in sync and async form.

Redis runs three ways: a sync client, an asyncio client, and a sync client behind
the async methods (worker threads).  Each Redis harness uses its own key prefix
and deletes its keys afterwards.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio

from _services import redis_url
from stategraph.cache.memory import InMemoryCache
from stategraph.cache.redis import RedisCache
from stategraph.cache.sqlite import SqliteCache
from stategraph.checkpoint.serde import JsonPlusSerializer

from . import conformance
from .conformance import CacheConformance, Harness

BACKENDS = [
    ("memory", "sync"),
    ("memory", "async"),
    ("sqlite", "sync"),
    ("sqlite", "async"),
    ("redis", "sync"),
    ("redis", "async"),
    ("redis-threaded", "async"),
]


def serde() -> JsonPlusSerializer:
    return JsonPlusSerializer(allowed_modules=[conformance.__name__])


class FakeClock:
    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def bump(self, seconds: float) -> None:
        self.now += seconds


def delete_prefix(client: redis.Redis, prefix: str) -> None:
    names = list(client.scan_iter(match=prefix + "*", count=1000))
    if names:
        client.unlink(*names)


@pytest.fixture(params=BACKENDS, ids=lambda p: f"{p[0]}-{p[1]}")
async def harness(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    backend, mode = request.param
    if backend == "memory":
        memory: InMemoryCache[Any] = InMemoryCache()
        clock = memory._clock = FakeClock(100.0)
        yield Harness(memory, mode, bump_clock=clock.bump)
    elif backend == "sqlite":
        with SqliteCache(path=tmp_path / "cache.db", serde=serde()) as sqlite:
            clock = sqlite._clock = FakeClock(time.time())
            yield Harness(sqlite, mode, bump_clock=clock.bump)
    else:
        url, prefix = redis_url(), f"stategraph-test:{uuid.uuid4().hex}:"
        sync_client = redis.Redis.from_url(url)
        try:
            if backend == "redis" and mode == "async":
                async_client = redis.asyncio.Redis.from_url(url)
                try:
                    yield Harness(RedisCache(async_client, serde=serde(), prefix=prefix), mode)
                finally:
                    await async_client.aclose()
            else:
                yield Harness(RedisCache(sync_client, serde=serde(), prefix=prefix), mode)
        finally:
            delete_prefix(sync_client, prefix)
            sync_client.close()


class TestCacheConformance(CacheConformance):
    """Every backend passes the same suite."""
