"""The store specification every backend must pass (memory now; SQLite and Postgres later).

Use it by subclassing ``StoreConformance`` in a backend's test module and providing
``make_store`` (and, for a fast fake clock, ``advance``)::

    class TestSqliteConformance(StoreConformance):
        @pytest.fixture
        def make_store(self, tmp_path):
            return lambda **kwargs: SqliteStore.from_path(tmp_path / "s.db", **kwargs)

Each behaviour test runs against the sync and the async API (``mode``).
"""

# why: one spec file; splitting it would scatter the contract a backend author reads
from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import anyio
import pytest

from stategraph.errors import ErrorCode, StoreError
from stategraph.store.base import (
    BaseStore,
    GetOp,
    InvalidNamespaceError,
    Item,
    ListNamespacesOp,
    MatchCondition,
    PutOp,
    SearchItem,
    SearchOp,
)
from stategraph.testing import FakeEmbeddings

DIMS = 64
TTL_MINUTES = 0.01  # 0.6 s, so real-clock backends can run the TTL tests quickly
TTL_SECONDS = TTL_MINUTES * 60

StoreFactory = Callable[..., BaseStore]


class StoreDriver:
    """Calls either the sync or the async form of each store method (``x`` / ``ax``)."""

    def __init__(self, store: BaseStore, mode: str) -> None:
        self.store = store
        self.mode = mode

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        sync_method = getattr(self.store, name)
        async_method = getattr(self.store, "a" + name)

        async def call(*args: Any, **kwargs: Any) -> Any:
            if self.mode == "sync":
                return sync_method(*args, **kwargs)
            return await async_method(*args, **kwargs)

        return call


def indexed(fields: list[str] | None = None) -> dict[str, Any]:
    """An IndexConfig using the deterministic fake embeddings."""
    return {"dims": DIMS, "embed": FakeEmbeddings(DIMS), "fields": fields or ["text"]}


FILTER_DOCS: dict[str, dict[str, Any]] = {
    "a": {"n": 1, "tag": "x", "meta": {"lang": "en", "score": 5}},
    "b": {"n": 2, "tag": "y", "meta": {"lang": "fr", "score": 7}},
    "c": {"n": 3, "tag": "x", "meta": {"lang": "en", "score": 9}, "extra": True},
    "d": {"tag": "z", "meta": {"lang": "de"}, "nothing": None},
}

FILTER_CASES: list[tuple[dict[str, Any], set[str]]] = [
    ({}, {"a", "b", "c", "d"}),
    ({"tag": "x"}, {"a", "c"}),
    ({"n": 2}, {"b"}),
    ({"extra": True}, {"c"}),
    ({"nothing": None}, {"a", "b", "c", "d"}),  # stored None or missing: both None
    ({"missing": None}, {"a", "b", "c", "d"}),  # a missing key is None, as in LangGraph
    ({"meta": {"lang": "en", "score": 5}}, {"a"}),
    ({"meta": {"lang": "en"}}, set()),  # nested dicts compare whole, not as a subset
    ({"meta.lang": "en"}, {"a", "c"}),
    ({"n": {"$eq": 1}}, {"a"}),
    ({"n": {"$ne": 1}}, {"b", "c", "d"}),  # a missing key is "not equal"
    ({"n": {"$gt": 1}}, {"b", "c"}),
    ({"n": {"$gte": 2}}, {"b", "c"}),
    ({"n": {"$lt": 2}}, {"a"}),
    ({"n": {"$lte": 2}}, {"a", "b"}),
    ({"n": {"$gt": 1, "$lt": 3}}, {"b"}),
    ({"tag": {"$in": ["x", "z"]}}, {"a", "c", "d"}),
    ({"tag": {"$nin": ["x"]}}, {"b", "d"}),
    ({"meta.score": {"$gte": 7}}, {"b", "c"}),
    ({"tag": "x", "n": {"$gt": 1}}, {"c"}),
    ({"n": {"$gt": "1"}}, set()),  # unorderable types never match
]

BAD_NAMESPACES: list[Any] = [
    (),
    ("",),
    ("users", ""),
    ("a.b",),
    ("langgraph", "x"),
    ("users", 1),
    "users",
]


class StoreConformance:
    """Behaviour shared by every ``BaseStore`` backend."""

    pytestmark = pytest.mark.anyio

    @pytest.fixture
    def make_store(self) -> StoreFactory:
        raise NotImplementedError("backend test classes provide make_store(**kwargs)")

    @pytest.fixture
    def advance(self) -> Callable[[float], Awaitable[None]]:
        """Let ``seconds`` pass for TTL purposes; backends with a fake clock override this."""
        return anyio.sleep

    @pytest.fixture(params=["sync", "async"])
    def mode(self, request: pytest.FixtureRequest) -> str:
        return request.param

    @pytest.fixture
    def store(self, make_store: StoreFactory, mode: str) -> StoreDriver:
        return StoreDriver(make_store(), mode)

    # -- put / get / delete ------------------------------------------------------

    async def test_put_then_get_returns_the_item(self, store: StoreDriver) -> None:
        await store.put(("users", "u1"), "prefs", {"theme": "dark"})
        item = await store.get(("users", "u1"), "prefs")
        assert isinstance(item, Item)
        assert (item.namespace, item.key, item.value) == (
            ("users", "u1"),
            "prefs",
            {"theme": "dark"},
        )
        assert isinstance(item.created_at, datetime) and item.created_at.tzinfo is not None
        assert item.updated_at >= item.created_at

    async def test_get_missing_returns_none(self, store: StoreDriver) -> None:
        await store.put(("users",), "k", {"v": 1})
        assert await store.get(("users",), "other") is None
        assert await store.get(("nobody",), "k") is None

    async def test_update_keeps_created_at_and_moves_updated_at(self, store: StoreDriver) -> None:
        await store.put(("docs",), "k", {"v": 1})
        first = await store.get(("docs",), "k")
        await anyio.sleep(0.01)
        await store.put(("docs",), "k", {"v": 2})
        second = await store.get(("docs",), "k")
        assert second.value == {"v": 2}
        assert second.created_at == first.created_at
        assert second.updated_at > first.updated_at

    async def test_delete_removes_and_tolerates_missing(self, store: StoreDriver) -> None:
        await store.put(("docs",), "k", {"v": 1})
        await store.delete(("docs",), "k")
        assert await store.get(("docs",), "k") is None
        await store.delete(("docs",), "k")
        await store.delete(("never",), "seen")

    async def test_put_none_deletes(self, store: StoreDriver) -> None:
        await store.put(("docs",), "k", {"v": 1})
        await store.put(("docs",), "k", None)
        assert await store.get(("docs",), "k") is None

    async def test_values_round_trip_and_are_isolated(self, store: StoreDriver) -> None:
        value = {"nested": {"list": [1, 2.5, "três", None, True]}, "empty": {}}
        await store.put(("docs",), "k", value)
        value["nested"]["list"].append("mutated after put")
        item = await store.get(("docs",), "k")
        assert item.value == {"nested": {"list": [1, 2.5, "três", None, True]}, "empty": {}}
        item.value["nested"]["list"].clear()
        assert (await store.get(("docs",), "k")).value["nested"]["list"] == [
            1,
            2.5,
            "três",
            None,
            True,
        ]

    async def test_flat_values_are_isolated_in_put_get_and_search(self, store: StoreDriver) -> None:
        # flat values (no nested dict/list) take a shallow-copy fast path in some stores
        value = {"text": "t", "n": 1, "x": 2.5, "ok": True, "none": None}
        await store.put(("docs",), "k", value)
        value["text"] = "mutated after put"
        got = await store.get(("docs",), "k")
        assert got.value["text"] == "t"
        got.value["text"] = "mutated after get"
        (hit,) = await store.search(("docs",))
        assert hit.value == {"text": "t", "n": 1, "x": 2.5, "ok": True, "none": None}
        hit.value["n"] = 99
        assert (await store.get(("docs",), "k")).value["n"] == 1

    async def test_reads_accept_what_writes_accept(self, store: StoreDriver) -> None:
        await store.put(["as", "list"], 7, {"v": 1})
        item = await store.get(["as", "list"], 7)
        assert (item.namespace, item.key, item.value) == (("as", "list"), "7", {"v": 1})
        assert await store.get(("as", "list"), 8) is None
        assert [hit.key for hit in await store.search(["as"])] == ["7"]
        with pytest.raises(InvalidNamespaceError):
            await store.get("as", "7")
        with pytest.raises(InvalidNamespaceError):
            await store.get(("as", ["unhashable"]), "7")

    async def test_namespace_rules_allow_these(self, store: StoreDriver) -> None:
        deep = tuple(f"level{i}" for i in range(10))
        await store.put(deep, "k", {"v": 1})
        await store.put(("users", "langgraph"), "k", {"v": 2})
        await store.put(["as", "list"], "k", {"v": 3})
        await store.put(("ünïcode", "名前"), "k", {"v": 4})
        assert (await store.get(deep, "k")).value == {"v": 1}
        assert (await store.get(("users", "langgraph"), "k")).value == {"v": 2}
        assert (await store.get(("as", "list"), "k")).namespace == ("as", "list")
        assert (await store.get(("ünïcode", "名前"), "k")).value == {"v": 4}

    @pytest.mark.parametrize("namespace", BAD_NAMESPACES, ids=repr)
    async def test_put_rejects_bad_namespace(self, store: StoreDriver, namespace: Any) -> None:
        with pytest.raises(InvalidNamespaceError) as caught:
            await store.put(namespace, "k", {"v": 1})
        error = caught.value
        assert isinstance(error, StoreError) and isinstance(error, ValueError)
        assert error.code is ErrorCode.STORE_BAD_NAMESPACE
        assert repr(tuple(namespace) if not isinstance(namespace, str) else namespace) in str(error)

    @pytest.mark.parametrize("value", ["text", 3, [1, 2], ("t",)], ids=repr)
    async def test_put_rejects_non_dict_values(self, store: StoreDriver, value: Any) -> None:
        with pytest.raises(ValueError) as caught:
            await store.put(("docs",), "k", value)
        assert type(caught.value) is ValueError  # the type LangGraph raises
        assert caught.value.code is ErrorCode.STORE_BAD_VALUE  # type: ignore[attr-defined]
        assert "'k'" in str(caught.value) and "('docs',)" in str(caught.value)

    async def test_non_string_keys_are_stringified(self, store: StoreDriver) -> None:
        await store.put(("docs",), 7, {"v": 1})
        assert (await store.get(("docs",), "7")).key == "7"

    # -- batch -------------------------------------------------------------------

    async def test_batch_reads_see_the_store_before_the_batch(self, store: StoreDriver) -> None:
        # LangGraph's stores answer every read of a batch from the state before it; the
        # puts land after the reads, in op order (the last put of a key wins)
        await store.put(("docs",), "old", {"v": 0})
        results = await store.batch(
            [
                GetOp(("docs",), "new"),
                PutOp(("docs",), "new", {"v": 1}),
                GetOp(("docs",), "new"),
                SearchOp(("docs",), limit=10),
                ListNamespacesOp(),
                PutOp(("docs",), "old", None),
                GetOp(("docs",), "old"),
            ]
        )
        assert results[0] is None and results[1] is None and results[2] is None
        assert {item.key for item in results[3]} == {"old"}
        assert results[4] == [("docs",)]
        assert results[5] is None and results[6].value == {"v": 0}
        assert (await store.get(("docs",), "new")).value == {"v": 1}
        assert await store.get(("docs",), "old") is None
        await store.batch([PutOp(("docs",), "k", {"v": 1}), PutOp(("docs",), "k", {"v": 2})])
        assert (await store.get(("docs",), "k")).value == {"v": 2}

    async def test_batch_is_all_or_nothing_on_bad_input(self, store: StoreDriver) -> None:
        with pytest.raises(InvalidNamespaceError):
            await store.batch([PutOp(("docs",), "a", {"v": 1}), PutOp(("a.b",), "b", {"v": 2})])
        assert await store.get(("docs",), "a") is None

    # -- search without a query ---------------------------------------------------

    async def test_search_matches_whole_labels_of_the_prefix(self, store: StoreDriver) -> None:
        for namespace in [
            ("users",),
            ("users", "a"),
            ("users", "a", "deep"),
            ("users2",),
            ("usr",),
        ]:
            await store.put(namespace, "k", {"ns": list(namespace)})
        found = await store.search(("users",))
        assert {item.namespace for item in found} == {
            ("users",),
            ("users", "a"),
            ("users", "a", "deep"),
        }
        assert {i.namespace for i in await store.search(("users", "a"))} == {
            ("users", "a"),
            ("users", "a", "deep"),
        }
        assert await store.search(("user",)) == []
        assert len(await store.search((), limit=100)) == 5

    async def test_search_without_query_has_no_scores(self, store: StoreDriver) -> None:
        await store.put(("docs",), "k", {"v": 1})
        (item,) = await store.search(("docs",))
        assert isinstance(item, SearchItem) and item.score is None
        assert (item.key, item.value, item.namespace) == ("k", {"v": 1}, ("docs",))

    async def test_search_pages_cover_every_item_once(self, store: StoreDriver) -> None:
        for i in range(7):
            await store.put(("docs",), f"k{i}", {"i": i})
        pages = [await store.search(("docs",), limit=3, offset=offset) for offset in (0, 3, 6, 9)]
        assert [len(page) for page in pages] == [3, 3, 1, 0]
        keys = [item.key for page in pages for item in page]
        assert sorted(keys) == [f"k{i}" for i in range(7)]
        assert await store.search(("docs",), limit=0) == []

    async def test_search_default_limit_is_ten(self, store: StoreDriver) -> None:
        for i in range(12):
            await store.put(("docs",), f"k{i}", {"i": i})
        assert len(await store.search(("docs",))) == 10

    @pytest.mark.parametrize(("filter", "expected"), FILTER_CASES, ids=repr)
    async def test_search_filter(self, store: StoreDriver, filter: dict, expected: set) -> None:
        for key, value in FILTER_DOCS.items():
            await store.put(("docs",), key, value)
        found = await store.search(("docs",), filter=filter, limit=100)
        assert {item.key for item in found} == expected

    async def test_filter_applies_before_limit_and_offset(self, store: StoreDriver) -> None:
        for i in range(10):
            await store.put(("docs",), f"k{i}", {"even": i % 2 == 0})
        first = await store.search(("docs",), filter={"even": True}, limit=2)
        rest = await store.search(("docs",), filter={"even": True}, limit=10, offset=2)
        assert len(first) == 2 and len(rest) == 3
        assert all(item.value["even"] for item in first + rest)

    @pytest.mark.parametrize(
        "filter",
        [{"n": {"$regex": "x"}}, {"n": {"$in": 3}}, {"n": {"$gt": 1, "plain": 2}}, "n=1"],
        ids=repr,
    )
    async def test_bad_filters_are_refused(self, store: StoreDriver, filter: Any) -> None:
        with pytest.raises(ValueError) as caught:
            await store.search(("docs",), filter=filter)
        assert type(caught.value) is ValueError  # the type LangGraph raises
        assert caught.value.code is ErrorCode.STORE_BAD_FILTER  # type: ignore[attr-defined]

    async def test_search_refuses_bad_pages_and_string_prefix(self, store: StoreDriver) -> None:
        with pytest.raises(StoreError):
            await store.search(("docs",), limit=-1)
        with pytest.raises(StoreError):
            await store.search(("docs",), offset=-2)
        with pytest.raises(InvalidNamespaceError, match=r"\('docs',\)"):
            await store.search("docs")

    # -- semantic search -------------------------------------------------------------

    async def _put_pets(self, store: StoreDriver) -> None:
        await store.put(("docs",), "cats", {"text": "cats purr and chase mice", "kind": "pet"})
        await store.put(("docs",), "dogs", {"text": "dogs bark and fetch sticks", "kind": "pet"})
        await store.put(
            ("docs",), "stocks", {"text": "stock prices rose on the exchange", "kind": "money"}
        )

    async def test_query_ranks_by_similarity(self, make_store: StoreFactory, mode: str) -> None:
        store = StoreDriver(make_store(index=indexed()), mode)
        await self._put_pets(store)
        found = await store.search(("docs",), query="why do cats purr")
        assert found[0].key == "cats"
        scores = [item.score for item in found]
        assert all(isinstance(score, float) and -1.0 <= score <= 1.0 + 1e-9 for score in scores)
        assert scores == sorted(scores, reverse=True)
        assert (await store.search(("docs",), query="stock exchange prices"))[0].key == "stocks"

    async def test_query_with_filter_and_pages(self, make_store: StoreFactory, mode: str) -> None:
        store = StoreDriver(make_store(index=indexed()), mode)
        await self._put_pets(store)
        pets = await store.search(("docs",), query="cats purr", filter={"kind": "pet"})
        assert [item.key for item in pets] == ["cats", "dogs"]
        second = await store.search(("docs",), query="cats purr", filter={"kind": "pet"}, offset=1)
        assert [item.key for item in second] == ["dogs"]
        assert len(await store.search(("docs",), query="cats", limit=1)) == 1

    async def test_unindexed_items_come_last_without_score(
        self, make_store: StoreFactory, mode: str
    ) -> None:
        store = StoreDriver(make_store(index=indexed()), mode)
        await store.put(("docs",), "plain", {"text": "cats purr all day"}, index=False)
        await self._put_pets(store)
        found = await store.search(("docs",), query="cats purr")
        assert found[-1].key == "plain" and found[-1].score is None
        assert all(item.score is not None for item in found[:-1])

    async def test_index_argument_overrides_fields(
        self, make_store: StoreFactory, mode: str
    ) -> None:
        store = StoreDriver(make_store(index=indexed(["text"])), mode)
        await store.put(
            ("docs",),
            "by_title",
            {"title": "volcano eruption", "text": "unrelated words"},
            index=["title"],
        )
        await store.put(("docs",), "by_text", {"title": "nothing", "text": "gardening tips"})
        found = await store.search(("docs",), query="volcano eruption")
        assert found[0].key == "by_title" and found[0].score > 0.9

    async def test_score_is_best_over_fields(self, make_store: StoreFactory, mode: str) -> None:
        store = StoreDriver(make_store(index=indexed(["title", "body"])), mode)
        await store.put(
            ("docs",), "a", {"title": "volcano eruption", "body": "long unrelated text here"}
        )
        await store.put(("docs",), "b", {"title": "weekly notes", "body": "volcano eruption seen"})
        await store.put(("docs",), "c", {"title": "weekly notes", "body": "gardening"})
        found = await store.search(("docs",), query="volcano eruption")
        assert found[0].key == "a" and found[0].score > 0.99
        assert found[1].key == "b" and found[2].key == "c"

    async def test_updating_an_item_replaces_its_vectors(
        self, make_store: StoreFactory, mode: str
    ) -> None:
        store = StoreDriver(make_store(index=indexed()), mode)
        await self._put_pets(store)
        query = "cats purr chase mice"
        before = {item.key: item.score for item in await store.search(("docs",), query=query)}
        await store.put(("docs",), "cats", {"text": "bond yields and stock prices"})
        after = {item.key: item.score for item in await store.search(("docs",), query=query)}
        assert before["cats"] > 0.8 and after["cats"] < 0.3
        await store.put(("docs",), "dogs", {"text": "dogs bark"}, index=False)
        by_key = {item.key: item for item in await store.search(("docs",), query="dogs bark")}
        assert by_key["dogs"].score is None

    async def test_deleted_items_leave_search(self, make_store: StoreFactory, mode: str) -> None:
        store = StoreDriver(make_store(index=indexed()), mode)
        await self._put_pets(store)
        await store.delete(("docs",), "cats")
        assert "cats" not in {item.key for item in await store.search(("docs",), query="cats purr")}

    async def test_query_without_index_is_unscored(self, store: StoreDriver) -> None:
        await store.put(("docs",), "k", {"text": "cats"})
        (item,) = await store.search(("docs",), query="cats")
        assert item.score is None

    async def test_wrong_dimensions_are_refused(self, make_store: StoreFactory, mode: str) -> None:
        store = StoreDriver(make_store(index={**indexed(), "dims": DIMS + 1}), mode)
        with pytest.raises(StoreError) as caught:
            await store.put(("docs",), "k", {"text": "cats"})
        assert caught.value.code is ErrorCode.STORE_EMBEDDING
        assert "'k'" in str(caught.value) and str(DIMS) in str(caught.value)
        assert await store.get(("docs",), "k") is None

    # -- list_namespaces ---------------------------------------------------------------

    NAMESPACES = [
        ("a", "b", "c"),
        ("a", "b", "d"),
        ("a", "x"),
        ("b", "x", "c"),
        ("users", "u1", "memories"),
    ]

    async def _put_namespaces(self, store: StoreDriver) -> None:
        for namespace in self.NAMESPACES:
            await store.put(namespace, "k", {"v": 1})

    @pytest.mark.parametrize(
        ("kwargs", "expected"),
        [
            ({}, sorted(NAMESPACES)),
            ({"prefix": ("a",)}, [("a", "b", "c"), ("a", "b", "d"), ("a", "x")]),
            ({"prefix": ("a", "b")}, [("a", "b", "c"), ("a", "b", "d")]),
            ({"prefix": ("a", "*", "c")}, [("a", "b", "c")]),
            ({"prefix": ("*", "x")}, [("a", "x"), ("b", "x", "c")]),
            ({"suffix": ("c",)}, [("a", "b", "c"), ("b", "x", "c")]),
            ({"suffix": ("x", "*")}, [("b", "x", "c")]),
            ({"prefix": ("a",), "suffix": ("x",)}, [("a", "x")]),
            ({"prefix": ("a", "b", "c", "d")}, []),
            ({"max_depth": 1}, [("a",), ("b",), ("users",)]),
            ({"max_depth": 2}, [("a", "b"), ("a", "x"), ("b", "x"), ("users", "u1")]),
            ({"prefix": ("a",), "max_depth": 2}, [("a", "b"), ("a", "x")]),
            ({"limit": 2}, sorted(NAMESPACES)[:2]),
            ({"limit": 2, "offset": 3}, sorted(NAMESPACES)[3:5]),
            ({"max_depth": 1, "offset": 1}, [("b",), ("users",)]),
        ],
        ids=repr,
    )
    async def test_list_namespaces(self, store: StoreDriver, kwargs: dict, expected: list) -> None:
        await self._put_namespaces(store)
        assert await store.list_namespaces(**kwargs) == expected

    async def test_list_namespaces_forgets_emptied_namespaces(self, store: StoreDriver) -> None:
        await self._put_namespaces(store)
        await store.delete(("a", "x"), "k")
        assert ("a", "x") not in await store.list_namespaces()

    async def test_list_namespaces_match_conditions_op(self, store: StoreDriver) -> None:
        await self._put_namespaces(store)
        op = ListNamespacesOp(match_conditions=(MatchCondition("suffix", ("memories",)),))
        assert (await store.batch([op]))[0] == [("users", "u1", "memories")]

    # -- TTL -----------------------------------------------------------------------------

    @pytest.fixture
    def ttl_store(self, make_store: StoreFactory, mode: str) -> StoreDriver:
        store = make_store(ttl={"refresh_on_read": True})
        if not store.supports_ttl:
            pytest.skip(f"{type(store).__name__} does not support TTL")
        return StoreDriver(store, mode)

    async def test_ttl_expires_items_everywhere(self, ttl_store: StoreDriver, advance: Any) -> None:
        await ttl_store.put(("docs",), "short", {"v": 1}, ttl=TTL_MINUTES)
        await ttl_store.put(("docs",), "forever", {"v": 2})
        await ttl_store.put(("gone",), "short", {"v": 3}, ttl=TTL_MINUTES)
        assert (await ttl_store.get(("docs",), "short")).value == {"v": 1}
        await advance(TTL_SECONDS * 2)
        assert await ttl_store.get(("docs",), "short") is None
        assert [item.key for item in await ttl_store.search(("docs",))] == ["forever"]
        assert await ttl_store.list_namespaces() == [("docs",)]

    async def test_reads_refresh_ttl_unless_told_not_to(
        self, ttl_store: StoreDriver, advance: Any
    ) -> None:
        await ttl_store.put(("docs",), "read", {"v": 1}, ttl=TTL_MINUTES)
        await ttl_store.put(("docs",), "peeked", {"v": 2}, ttl=TTL_MINUTES)
        await ttl_store.put(("docs",), "searched", {"v": 3}, ttl=TTL_MINUTES)
        await advance(TTL_SECONDS * 0.6)
        assert await ttl_store.get(("docs",), "read") is not None
        assert await ttl_store.get(("docs",), "peeked", refresh_ttl=False) is not None
        assert len(await ttl_store.search(("docs",), filter={"v": 3})) == 1
        await advance(TTL_SECONDS * 0.6)
        assert await ttl_store.get(("docs",), "read", refresh_ttl=False) is not None
        assert await ttl_store.get(("docs",), "searched", refresh_ttl=False) is not None
        assert await ttl_store.get(("docs",), "peeked") is None

    async def test_default_ttl_and_explicit_none(
        self, make_store: StoreFactory, mode: str, advance: Any
    ) -> None:
        raw = make_store(ttl={"default_ttl": TTL_MINUTES, "refresh_on_read": False})
        if not raw.supports_ttl:
            pytest.skip(f"{type(raw).__name__} does not support TTL")
        store = StoreDriver(raw, mode)
        await store.put(("docs",), "default", {"v": 1})
        await store.put(("docs",), "keep", {"v": 2}, ttl=None)
        await advance(TTL_SECONDS * 0.6)
        assert await store.get(("docs",), "default") is not None  # no refresh by config
        await advance(TTL_SECONDS * 0.6)
        assert await store.get(("docs",), "default") is None
        assert await store.get(("docs",), "keep") is not None

    async def test_sweep_ttl_removes_expired(self, make_store: StoreFactory, advance: Any) -> None:
        store = make_store(ttl={"refresh_on_read": True})
        if not store.supports_ttl:
            pytest.skip(f"{type(store).__name__} does not support TTL")
        store.put(("docs",), "a", {"v": 1}, ttl=TTL_MINUTES)
        store.put(("docs",), "b", {"v": 1})
        await advance(TTL_SECONDS * 2)
        assert store.sweep_ttl() == 1
        assert store.sweep_ttl() == 0
        assert [item.key for item in store.search(("docs",))] == ["b"]

    # -- concurrency ---------------------------------------------------------------------

    def test_concurrent_thread_writers(self, make_store: StoreFactory) -> None:
        store = make_store()
        errors: list[BaseException] = []

        def write(worker: int) -> None:
            try:
                for i in range(25):
                    store.put(("shared",), f"w{worker}-{i}", {"worker": worker, "i": i})
                    store.put(("shared", "hot"), "same", {"worker": worker, "i": i})
                    store.search(("shared",), limit=5)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        found = store.search(("shared",), filter={"i": {"$gte": 0}}, limit=1000)
        assert len([item for item in found if item.namespace == ("shared",)]) == 200
        hot = store.get(("shared", "hot"), "same").value
        assert hot["worker"] in range(8) and hot["i"] in range(25)

    async def test_concurrent_async_writers(self, make_store: StoreFactory) -> None:
        store = make_store(index=indexed())

        async def write(i: int) -> None:
            await store.aput(("shared",), f"k{i}", {"text": f"note number {i}"})
            await store.asearch(("shared",), query="note")

        await asyncio.gather(*(write(i) for i in range(40)))
        assert len(await store.asearch(("shared",), limit=100)) == 40
        assert len(await store.asearch(("shared",), query="note number 7", limit=100)) == 40
