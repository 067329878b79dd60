"""cache.redis: RedisCache key layout, Redis-side expiry, SCAN-based clearing, client checks.

Runs against the real Redis (tests/_services.py): skipped when it is unreachable,
failed instead under ``STATEGRAPH_REQUIRE_SERVICES=1``.  Every test uses its own
key prefix and deletes its keys.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
import redis.asyncio

from _services import redis_url
from stategraph.cache.redis import RedisCache

NS = ("__pregel_ns_writes", "module.node", "node")


class RecordingRedis(redis.Redis):
    """A client that counts SCAN calls and refuses KEYS (which blocks the server)."""

    scans = 0

    def keys(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("RedisCache must not use KEYS")

    def scan(self, *args: Any, **kwargs: Any) -> Any:
        self.scans += 1
        return super().scan(*args, **kwargs)


@pytest.fixture
def client() -> Iterator[RecordingRedis]:
    connection = RecordingRedis.from_url(redis_url())
    yield connection
    connection.close()


@pytest.fixture
def prefix(client: RecordingRedis) -> Iterator[str]:
    name = f"stategraph-test:{uuid.uuid4().hex}:"
    yield name
    found = list(client.scan_iter(match=name + "*"))
    if found:
        client.unlink(*found)


def test_key_layout_and_ttl_is_a_redis_expiry(client: RecordingRedis, prefix: str) -> None:
    cache: RedisCache[Any] = RedisCache(client, prefix=prefix)
    cache.set({(NS, "a"): ([("x", 1)], 60), (("a:b", "%"), "k:1"): (2, None)})
    assert sorted(client.scan_iter(match=prefix + "*")) == [
        f"{prefix}2:a%3Ab:%25:k%3A1".encode(),
        f"{prefix}3:__pregel_ns_writes:module.node:node:a".encode(),
    ]
    assert 59_000 < client.pttl(f"{prefix}3:__pregel_ns_writes:module.node:node:a") <= 60_000
    assert client.pttl(f"{prefix}2:a%3Ab:%25:k%3A1") == -1  # no expiry
    cache.set({(NS, "a"): (3, 0.25)})
    assert 0 < client.pttl(f"{prefix}3:__pregel_ns_writes:module.node:node:a") <= 250


def test_default_prefix(client: RecordingRedis) -> None:
    cache: RedisCache[Any] = RedisCache(client)
    namespace = ("stategraph-test", uuid.uuid4().hex)
    assert cache.prefix == "langgraph:cache:"
    cache.set({(namespace, "k"): (1, 60)})
    try:
        assert client.exists(f"langgraph:cache:2:{namespace[0]}:{namespace[1]}:k") == 1
    finally:
        cache.clear([namespace])
    assert cache.get([(namespace, "k")]) == {}


def test_clear_uses_scan_and_only_touches_its_prefix(client: RecordingRedis, prefix: str) -> None:
    mine: RedisCache[Any] = RedisCache(client, prefix=prefix + "mine:")
    theirs: RedisCache[Any] = RedisCache(client, prefix=prefix + "theirs:")
    mine.set({(NS, str(i)): (i, None) for i in range(2500)})  # several SCAN pages
    theirs.set({(NS, "a"): (1, None)})
    client.set(prefix + "foreign", b"1")
    mine.clear()
    assert client.scans >= 2
    assert list(client.scan_iter(match=prefix + "mine:*")) == []
    assert theirs.get([(NS, "a")]) == {(NS, "a"): 1}
    assert client.get(prefix + "foreign") == b"1"


def test_corrupt_value_is_a_miss_with_a_warning(client: RecordingRedis, prefix: str) -> None:
    cache: RedisCache[Any] = RedisCache(client, prefix=prefix)
    cache.set({(NS, "a"): (1, None), (NS, "b"): (2, None)})
    client.set(f"{prefix}3:__pregel_ns_writes:module.node:node:a", b"no newline here")
    with pytest.warns(RuntimeWarning, match="could not be read"):
        assert cache.get([(NS, "a"), (NS, "b")]) == {(NS, "b"): 2}


def test_decode_responses_client_is_rejected() -> None:
    text_client = redis.Redis.from_url("redis://127.0.0.1:6379/0", decode_responses=True)
    with pytest.raises(ValueError, match=r"decode_responses=True.*\[E307\]"):
        RedisCache(text_client)


def test_async_client_refuses_sync_calls() -> None:
    cache: RedisCache[Any] = RedisCache(redis.asyncio.Redis.from_url("redis://127.0.0.1:6379/0"))
    with pytest.raises(TypeError, match=r"redis\.asyncio client.*ainvoke.*\[E307\]"):
        cache.get([(NS, "a")])


def test_serializer_tags_must_be_one_line(client: RecordingRedis, prefix: str) -> None:
    class TwoLines:
        def dumps_typed(self, value: Any) -> tuple[str, bytes]:
            return "a\nb", b""

    cache: RedisCache[Any] = RedisCache(client, serde=TwoLines(), prefix=prefix)
    with pytest.raises(ValueError, match="newline"):
        cache.set({(NS, "a"): (1, None)})
