"""The cache conformance suite: behaviour every ``BaseCache`` backend must share.

Subclass ``CacheConformance`` and provide a ``harness`` fixture returning a
``Harness`` (the cache, whether to call it sync or async, how to let time pass).
tests/cache/test_conformance.py runs it over InMemoryCache, SqliteCache and RedisCache.
Values made of this module's classes must round-trip, so serializing backends need
``JsonPlusSerializer(allowed_modules=[conformance.__name__])``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import threading
import uuid
from collections.abc import Callable
from typing import Any, NamedTuple, TypedDict

import pydantic
import pytest

from stategraph.cache import BaseCache
from stategraph.graph import START, StateGraph
from stategraph.types import CachePolicy, Send

__all__ = ["CacheConformance", "Harness"]

NS = ("__pregel_ns_writes", "module.node", "node")
OTHER = ("__pregel_ns_writes", "module.other", "other")
CHILD = (*NS, "child")


@dataclasses.dataclass
class Message:
    role: str
    content: str
    meta: dict[str, Any] = dataclasses.field(default_factory=dict)


class Span(NamedTuple):
    start: int
    end: int


class Doc(pydantic.BaseModel):
    title: str
    tags: list[str] = []


class Harness:
    """One backend under test: calls it in ``mode`` ("sync"/"async") and moves its time.

    ``advance(seconds)`` must make entries with a shorter TTL expire: it calls
    ``bump_clock`` (a fake clock), or really waits when there is none (servers that
    keep time themselves).
    """

    def __init__(
        self,
        cache: BaseCache[Any],
        mode: str,
        *,
        bump_clock: Callable[[float], None] | None = None,
    ) -> None:
        self.cache, self.mode, self._bump_clock = cache, mode, bump_clock

    @property
    def is_async(self) -> bool:
        return self.mode == "async"

    async def call(self, name: str, *args: Any) -> Any:
        if self.is_async:
            return await getattr(self.cache, "a" + name)(*args)
        return getattr(self.cache, name)(*args)

    async def advance(self, seconds: float) -> None:
        if self._bump_clock is not None:
            self._bump_clock(seconds)
        else:
            await asyncio.sleep(seconds)

    async def run_graph(self, app: Any, state: Any) -> Any:
        if self.is_async:
            return await app.ainvoke(state)
        return app.invoke(state)

    async def stream_graph(self, app: Any, state: Any) -> list[Any]:
        if self.is_async:
            return [chunk async for chunk in app.astream(state, stream_mode="updates")]
        return list(app.stream(state, stream_mode="updates"))

    async def clear_graph_cache(self, app: Any) -> None:
        if self.is_async:
            await app.aclear_cache()
        else:
            app.clear_cache()


def assert_same(actual: Any, expected: Any, path: str = "value") -> None:
    """Equal values of exactly the same types, all the way down (tuples stay tuples)."""
    assert type(actual) is type(expected), f"{path}: {type(actual)!r} != {type(expected)!r}"
    if isinstance(expected, (list, tuple)):
        assert len(actual) == len(expected), f"{path}: length {len(actual)} != {len(expected)}"
        for index, (left, right) in enumerate(zip(actual, expected, strict=True)):
            assert_same(left, right, f"{path}[{index}]")
    elif isinstance(expected, dict):
        assert list(actual) == list(expected), f"{path}: keys {list(actual)} != {list(expected)}"
        for key in expected:
            assert_same(actual[key], expected[key], f"{path}[{key!r}]")
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"


def sample_writes() -> list[tuple[str, Any]]:
    """Node writes as the engine caches them: (channel, value) pairs of many types."""
    return [
        ("messages", [Message("user", "hi", {"n": 1}), Message("ai", "hello")]),
        ("count", 3),
        ("ratio", 0.25),
        ("pair", (1, ("a", b"\x00\xff"))),
        ("span", Span(2, 5)),
        ("doc", Doc(title="t", tags=["x"])),
        ("when", datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)),
        ("id", uuid.UUID(int=7)),
        ("tags", {"b", "a"}),
        ("send", Send("worker", {"item": 1})),
        ("nothing", None),
        ("text", "ünïcødé ✓"),
    ]


class _State(TypedDict, total=False):
    x: int


def _counting_graph(cache: BaseCache[Any], ttl: int | None) -> tuple[Any, list[int]]:
    calls: list[int] = []

    def double(state: _State) -> _State:
        calls.append(state["x"])
        return {"x": state["x"] * 2}

    builder = StateGraph(_State)
    builder.add_node("double", double, cache_policy=CachePolicy(ttl=ttl))
    builder.add_edge(START, "double")
    return builder.compile(cache=cache), calls


@pytest.mark.anyio
class CacheConformance:
    """Spec tests for a ``BaseCache``; the subclass supplies the ``harness`` fixture."""

    async def test_get_returns_only_hits(self, harness: Harness) -> None:
        await harness.call("set", {(NS, "a"): ([("x", 1)], None), (OTHER, "a"): ("o", None)})
        found = await harness.call("get", [(NS, "a"), (NS, "missing"), (("nope",), "a")])
        assert found == {(NS, "a"): [("x", 1)]}
        assert await harness.call("get", []) == {}

    async def test_empty_and_none_values_are_hits(self, harness: Harness) -> None:
        await harness.call("set", {(NS, "empty"): ([], None), (NS, "none"): (None, None)})
        found = await harness.call("get", [(NS, "empty"), (NS, "none")])
        assert found == {(NS, "empty"): [], (NS, "none"): None}

    async def test_set_overwrites_value_and_ttl(self, harness: Harness) -> None:
        await harness.call("set", {(NS, "a"): (1, 0.5)})
        await harness.call("set", {(NS, "a"): (2, None)})
        await harness.advance(0.7)
        assert await harness.call("get", [(NS, "a")]) == {(NS, "a"): 2}

    async def test_ttl_in_seconds(self, harness: Harness) -> None:
        await harness.call("set", {(NS, "short"): (1, 0.5), (NS, "forever"): (2, None)})
        await harness.call("set", {(NS, "zero"): (3, 0), (NS, "int"): (4, 1)})
        keys = [(NS, "short"), (NS, "forever"), (NS, "zero"), (NS, "int")]
        assert await harness.call("get", keys) == {
            (NS, "short"): 1,
            (NS, "forever"): 2,
            (NS, "int"): 4,
        }
        await harness.advance(0.7)
        assert await harness.call("get", keys) == {(NS, "forever"): 2, (NS, "int"): 4}
        await harness.advance(0.5)
        assert await harness.call("get", keys) == {(NS, "forever"): 2}

    async def test_namespaces_are_isolated(self, harness: Harness) -> None:
        spaces = [NS, OTHER, CHILD, (), ("",), ("a:b",), ("a", "b"), ("a,b",), ("a%3Ab",)]
        await harness.call("set", {(ns, "k"): (i, None) for i, ns in enumerate(spaces)})
        found = await harness.call("get", [(ns, "k") for ns in spaces])
        assert found == {(ns, "k"): i for i, ns in enumerate(spaces)}

    async def test_keys_with_separators_are_distinct(self, harness: Harness) -> None:
        await harness.call("set", {(("a",), "b:c"): (1, None), (("a", "b"), "c"): (2, None)})
        found = await harness.call("get", [(("a",), "b:c"), (("a", "b"), "c")])
        assert found == {(("a",), "b:c"): 1, (("a", "b"), "c"): 2}

    async def test_clear_exact_namespaces_then_everything(self, harness: Harness) -> None:
        parent = NS[:-1]
        spaces = [NS, OTHER, CHILD, parent]
        await harness.call("set", {(ns, "k"): (i, None) for i, ns in enumerate(spaces)})
        await harness.call("clear", [NS, ("unknown",)])
        found = await harness.call("get", [(ns, "k") for ns in spaces])
        assert found == {(OTHER, "k"): 1, (CHILD, "k"): 2, (parent, "k"): 3}
        await harness.call("clear", None)
        assert await harness.call("get", [(ns, "k") for ns in spaces]) == {}
        await harness.call("clear", [])  # nothing to do, and no error

    async def test_clear_treats_glob_characters_literally(self, harness: Harness) -> None:
        spaces = [("a*",), ("ab",), ("a?",), ("[a]",), ("a",), ("\\",), ("a\\b",)]
        await harness.call("set", {(ns, "k"): (ns[0], None) for ns in spaces})
        await harness.call("clear", [("a*",), ("a?",), ("[a]",), ("\\",)])
        found = await harness.call("get", [(ns, "k") for ns in spaces])
        assert found == {(("ab",), "k"): "ab", (("a",), "k"): "a", (("a\\b",), "k"): "a\\b"}

    async def test_values_round_trip_exactly(self, harness: Harness) -> None:
        writes = sample_writes()
        await harness.call("set", {(NS, "w"): (writes, 60), (OTHER, "t"): (("a", 1), None)})
        found = await harness.call("get", [(NS, "w"), (OTHER, "t")])
        assert_same(found[(NS, "w")], sample_writes())
        assert_same(found[(OTHER, "t")], ("a", 1))

    async def test_callers_never_share_objects_with_the_cache(self, harness: Harness) -> None:
        value = {"writes": [1, 2]}
        await harness.call("set", {(NS, "a"): (value, None)})
        value["writes"].append(3)
        first = (await harness.call("get", [(NS, "a")]))[(NS, "a")]
        first["writes"].clear()
        assert (await harness.call("get", [(NS, "a")]))[(NS, "a")] == {"writes": [1, 2]}

    async def test_namespaces_given_as_lists_are_normalised(self, harness: Harness) -> None:
        await harness.call("set", {(NS, "a"): (1, None)})
        assert await harness.call("get", [(list(NS), "a")]) == {(NS, "a"): 1}
        await harness.call("clear", [list(NS)])
        assert await harness.call("get", [(NS, "a")]) == {}

    async def test_concurrent_writers(self, harness: Harness) -> None:
        workers, rounds = 8, 25
        if harness.is_async:
            await asyncio.gather(*(_write_async(harness, w, rounds) for w in range(workers)))
        else:
            _write_in_threads(harness.cache, workers, rounds)
        keys = [((f"w{w}",), str(i)) for w in range(workers) for i in range(rounds)]
        found = await harness.call("get", [*keys, (NS, "shared")])
        assert {k: v for k, v in found.items() if k in keys} == {
            ((f"w{w}",), str(i)): [("x", w, i)] for w in range(workers) for i in range(rounds)
        }
        assert found[(NS, "shared")] in [[("x", w)] for w in range(workers)]

    async def test_graph_node_is_skipped_while_cached(self, harness: Harness) -> None:
        app, calls = _counting_graph(harness.cache, ttl=1)
        assert await harness.run_graph(app, {"x": 3}) == {"x": 6}
        assert await harness.stream_graph(app, {"x": 3}) == [
            {"double": {"x": 6}, "__metadata__": {"cached": True}}
        ]
        assert await harness.run_graph(app, {"x": 3}) == {"x": 6}
        assert calls == [3]
        assert await harness.run_graph(app, {"x": 4}) == {"x": 8}
        assert calls == [3, 4]
        await harness.advance(1.2)  # the TTL has passed: the node runs again
        assert await harness.stream_graph(app, {"x": 3}) == [{"double": {"x": 6}}]
        assert calls == [3, 4, 3]

    async def test_graph_clear_cache_evicts_node_entries(self, harness: Harness) -> None:
        app, calls = _counting_graph(harness.cache, ttl=None)
        await harness.run_graph(app, {"x": 1})
        await harness.run_graph(app, {"x": 1})
        await harness.clear_graph_cache(app)
        await harness.run_graph(app, {"x": 1})
        assert calls == [1, 1]


async def _write_async(harness: Harness, worker: int, rounds: int) -> None:
    for i in range(rounds):
        pairs = {
            ((f"w{worker}",), str(i)): ([("x", worker, i)], 60),
            (NS, "shared"): ([("x", worker)], None),
        }
        await harness.call("set", pairs)
        await harness.call("get", [((f"w{worker}",), str(i)), (NS, "shared")])
        if i % 10 == 0:
            await harness.call("clear", [OTHER])


def _write_in_threads(cache: BaseCache[Any], workers: int, rounds: int) -> None:
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for i in range(rounds):
                key = ((f"w{worker}",), str(i))
                cache.set({key: ([("x", worker, i)], 60), (NS, "shared"): ([("x", worker)], None)})
                cache.get([key, (NS, "shared")])
                if i % 10 == 0:
                    cache.clear([OTHER])
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
