"""cache.memory: InMemoryCache get/set/clear, TTL, isolation, serde and thread safety."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from stategraph.cache import BaseCache, InMemoryCache

pytestmark = pytest.mark.anyio

NS = ("__pregel_ns_writes", "node")
OTHER = ("__pregel_ns_writes", "other")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Driver:
    """Calls get/set/clear in sync or async form."""

    def __init__(self, cache: BaseCache, mode: str) -> None:
        self.cache, self.mode = cache, mode

    async def call(self, name: str, *args: Any) -> Any:
        if self.mode == "sync":
            return getattr(self.cache, name)(*args)
        return await getattr(self.cache, "a" + name)(*args)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["sync", "async"])
def cache(request: pytest.FixtureRequest, clock: Clock) -> Driver:
    raw: InMemoryCache[Any] = InMemoryCache()
    raw._clock = clock
    return Driver(raw, request.param)


async def test_set_then_get_returns_only_hits(cache: Driver) -> None:
    await cache.call("set", {(NS, "a"): ([("ch", 1)], None), (OTHER, "a"): ("other", None)})
    found = await cache.call("get", [(NS, "a"), (NS, "missing"), (("nope",), "a")])
    assert found == {(NS, "a"): [("ch", 1)]}
    assert await cache.call("get", []) == {}


async def test_set_overwrites(cache: Driver) -> None:
    await cache.call("set", {(NS, "a"): (1, None)})
    await cache.call("set", {(NS, "a"): (2, None)})
    assert await cache.call("get", [(NS, "a")]) == {(NS, "a"): 2}


async def test_ttl_in_seconds(cache: Driver, clock: Clock) -> None:
    await cache.call("set", {(NS, "short"): (1, 10), (NS, "forever"): (2, None)})
    clock.now += 9.9
    assert set(await cache.call("get", [(NS, "short"), (NS, "forever")])) == {
        (NS, "short"),
        (NS, "forever"),
    }
    clock.now += 0.1
    assert await cache.call("get", [(NS, "short"), (NS, "forever")]) == {(NS, "forever"): 2}
    assert (NS, "short") not in {
        (ns, k) for ns, entries in cache.cache._entries.items() for k in entries
    }


async def test_clear_by_exact_namespace_or_everything(cache: Driver) -> None:
    child = (*NS, "child")
    await cache.call(
        "set", {(NS, "a"): (1, None), (OTHER, "b"): (2, None), (child, "c"): (3, None)}
    )
    await cache.call("clear", [NS, ("unknown",)])
    assert await cache.call("get", [(NS, "a"), (OTHER, "b"), (child, "c")]) == {
        (OTHER, "b"): 2,
        (child, "c"): 3,
    }
    await cache.call("clear", None)
    assert await cache.call("get", [(OTHER, "b"), (child, "c")]) == {}


async def test_values_are_copied_in_and_out(cache: Driver) -> None:
    value = {"writes": [1, 2]}
    await cache.call("set", {(NS, "a"): (value, None)})
    value["writes"].append(3)
    first = (await cache.call("get", [(NS, "a")]))[(NS, "a")]
    first["writes"].clear()
    assert (await cache.call("get", [(NS, "a")]))[(NS, "a")] == {"writes": [1, 2]}


def test_uncopyable_values_are_kept_by_reference() -> None:
    cache: InMemoryCache[Any] = InMemoryCache()
    lock = threading.Lock()
    cache.set({(NS, "lock"): (lock, None)})
    assert cache.get([(NS, "lock")])[(NS, "lock")] is lock


def test_list_namespaces_are_normalised() -> None:
    cache: InMemoryCache[Any] = InMemoryCache()
    cache.set({(NS, "a"): (1, None)})
    assert cache.get([(list(NS), "a")]) == {(NS, "a"): 1}  # type: ignore[list-item]
    cache.clear([list(NS)])  # type: ignore[list-item]
    assert cache.get([(NS, "a")]) == {}


class JsonSerde:
    """A stand-in serializer recording what it stored."""

    def __init__(self) -> None:
        self.dumped: list[Any] = []

    def dumps_typed(self, value: Any) -> tuple[str, bytes]:
        self.dumped.append(value)
        return "json", json.dumps(value).encode()

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        assert data[0] == "json"
        return json.loads(data[1])


def test_serde_is_used_when_given() -> None:
    serde = JsonSerde()
    cache: InMemoryCache[Any] = InMemoryCache(serde=serde)
    cache.set({(NS, "a"): ([1, "x"], None)})
    assert cache._entries[NS]["a"].payload == ("json", b'[1, "x"]')
    assert cache.get([(NS, "a")]) == {(NS, "a"): [1, "x"]}
    assert serde.dumped == [[1, "x"]] and cache.serde is serde


def test_concurrent_threads() -> None:
    cache: InMemoryCache[Any] = InMemoryCache()
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for i in range(200):
                cache.set({((str(worker),), str(i)): (i, 60), (NS, "shared"): (worker, None)})
                cache.get([((str(worker),), str(i)), (NS, "shared")])
                if i % 50 == 0:
                    cache.clear([OTHER])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    keys = [((str(w),), str(i)) for w in range(8) for i in range(200)]
    assert len(cache.get(keys)) == 1600
    assert cache.get([(NS, "shared")])[(NS, "shared")] in range(8)


def test_base_cache_is_abstract() -> None:
    with pytest.raises(TypeError, match="abstract"):
        BaseCache()  # type: ignore[abstract]
