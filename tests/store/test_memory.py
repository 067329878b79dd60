"""InMemoryStore: the conformance suite plus behaviour specific to the in-process store."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from stategraph.errors import ErrorCode, StoreError
from stategraph.store.base import GetOp, PutOp, SearchOp
from stategraph.store.memory import InMemoryStore
from stategraph.testing import FakeEmbeddings, fake_embed

from .conformance import DIMS, StoreConformance, StoreDriver

pytestmark = pytest.mark.anyio


class FakeClock:
    """A settable clock standing in for ``time.time``."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


class TestInMemoryConformance(StoreConformance):
    @pytest.fixture
    def clock(self) -> FakeClock:
        return FakeClock()

    @pytest.fixture
    def make_store(self, clock: FakeClock) -> Callable[..., InMemoryStore]:
        def make(**kwargs: Any) -> InMemoryStore:
            store = InMemoryStore(**kwargs)
            store._clock = clock
            return store

        return make

    @pytest.fixture
    def advance(self, clock: FakeClock) -> Callable[[float], Awaitable[None]]:
        async def advance(seconds: float) -> None:
            clock.now += seconds

        return advance


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


def make_indexed(embed: Any = None, **extra: Any) -> InMemoryStore:
    embed = FakeEmbeddings(DIMS) if embed is None else embed
    return InMemoryStore(index={"dims": DIMS, "embed": embed, "fields": ["text"], **extra})


async def test_search_without_query_keeps_insertion_order(mode: str) -> None:
    store = StoreDriver(InMemoryStore(), mode)
    for namespace, key in [(("b",), "1"), (("a",), "2"), (("b",), "3"), (("a", "x"), "4")]:
        await store.put(namespace, key, {"v": key})
    await store.put(("b",), "1", {"v": "updated"})  # an update keeps its place
    assert [item.key for item in await store.search(())] == ["1", "3", "2", "4"]
    await store.delete(("b",), "1")
    await store.put(("b",), "1", {"v": "again"})  # delete + put moves it to the end
    assert [item.key for item in await store.search(("b",))] == ["3", "1"]


async def test_each_batch_embeds_once_and_dedupes_texts(mode: str) -> None:
    embeddings = FakeEmbeddings(DIMS)
    store = StoreDriver(make_indexed(embeddings), mode)
    await store.batch(
        [
            PutOp(("docs",), "a", {"text": "cats purr"}),
            PutOp(("docs",), "b", {"text": "cats purr"}),
            PutOp(("docs",), "c", {"text": "dogs bark"}),
            PutOp(("docs",), "d", {"text": "not embedded"}, index=False),
            SearchOp(("docs",), query="cats"),
            SearchOp(("docs",), query="cats"),
        ]
    )
    assert embeddings.calls == [["cats purr", "dogs bark"], ["cats"]]
    embeddings.calls.clear()
    await store.search(("docs",))
    await store.get(("docs",), "a")
    assert embeddings.calls == []


@pytest.mark.parametrize("kind", ["sync_fn", "async_fn", "object", "sync_object"])
async def test_every_kind_of_embed_works(mode: str, kind: str) -> None:
    calls: list[list[str]] = []

    def sync_fn(texts: list[str]) -> list[list[float]]:
        calls.append(texts)
        return fake_embed(texts, DIMS)

    async def async_fn(texts: list[str]) -> list[list[float]]:
        return sync_fn(texts)

    class SyncOnly:  # no aembed_*: the async path must run it in a thread
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return sync_fn(texts)

    embed = {"sync_fn": sync_fn, "async_fn": async_fn, "object": None, "sync_object": SyncOnly()}[
        kind
    ]
    store = StoreDriver(make_indexed(embed), mode)
    await store.put(("docs",), "cats", {"text": "cats purr and chase mice"})
    await store.put(("docs",), "stocks", {"text": "stock prices rose"})
    found = await store.search(("docs",), query="cats purr")
    assert [item.key for item in found] == ["cats", "stocks"]
    assert found[0].score > found[1].score
    if kind != "object":
        assert ["cats purr"] in calls


async def test_sync_batch_runs_async_embed_inside_a_running_loop() -> None:
    async def embed(texts: list[str]) -> list[list[float]]:
        return fake_embed(texts, DIMS)

    store = make_indexed(embed)
    store.put(("docs",), "k", {"text": "cats"})  # called from inside this test's event loop
    assert store.search(("docs",), query="cats")[0].score == pytest.approx(1.0)


async def test_embed_returning_wrong_count_is_refused(mode: str) -> None:
    store = StoreDriver(make_indexed(lambda texts: [[1.0] * DIMS]), mode)
    await store.put(("docs",), "one", {"text": "fine"})
    with pytest.raises(StoreError, match="returned 1 vectors for 2 texts") as caught:
        await store.batch(
            [PutOp(("docs",), "a", {"text": "x"}), PutOp(("docs",), "b", {"text": "y"})]
        )
    assert caught.value.code is ErrorCode.STORE_EMBEDDING


async def test_query_with_wrong_dimensions_is_refused() -> None:
    class Lopsided(FakeEmbeddings):
        def embed_query(self, text: str) -> list[float]:
            return [1.0, 0.0]

    store = make_indexed(Lopsided(DIMS))
    with pytest.raises(StoreError, match="search query 'cats'"):
        store.search(("docs",), query="cats")


def test_items_without_any_field_text_are_unscored() -> None:
    store = make_indexed()
    store.put(("docs",), "no_text", {"title": "cats"})
    store.put(("docs",), "text", {"text": "cats"})
    assert [(i.key, i.score is None) for i in store.search(("docs",), query="cats")] == [
        ("text", False),
        ("no_text", True),
    ]


@pytest.mark.parametrize(
    ("index", "message"),
    [
        ({"dims": 0, "embed": fake_embed}, "dims=0"),
        ({"dims": True, "embed": fake_embed}, "dims=True"),
        ({"dims": 8}, "needs 'embed'"),
        ({"dims": 8, "embed": 42}, "not usable"),
        ({"dims": 8, "embed": fake_embed, "fields": ["a..b"]}, "'a..b'"),
    ],
)
def test_bad_index_config_is_refused(index: dict, message: str) -> None:
    with pytest.raises(StoreError, match=message) as caught:
        InMemoryStore(index=index)
    assert caught.value.code is ErrorCode.STORE_EMBEDDING


def test_provider_string_needs_langchain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "langchain.embeddings", None)  # import now fails
    with pytest.raises(StoreError, match="pip install langchain"):
        InMemoryStore(index={"dims": 8, "embed": "openai:text-embedding-3-small"})


def test_put_index_argument_is_checked() -> None:
    store = make_indexed()
    with pytest.raises(StoreError, match="must be False"):
        store.put(("docs",), "k", {"text": "x"}, index=True)
    with pytest.raises(StoreError, match="'a\\['"):
        store.put(("docs",), "k", {"text": "x"}, index=["a["])


def test_unknown_op_is_refused() -> None:
    with pytest.raises(StoreError, match="Unknown store op"):
        InMemoryStore().batch([("not", "an", "op")])  # type: ignore[list-item]


def test_direct_ops_are_checked_like_friendly_calls() -> None:
    store = InMemoryStore()
    with pytest.raises(ValueError):
        store.batch([PutOp(("docs",), "k", "not a dict")])  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        store.batch([SearchOp(("docs",), filter={"a": {"$bad": 1}})])
    store.batch([PutOp(["as", "list"], 5, {"v": 1})])  # type: ignore[arg-type]
    assert store.batch([GetOp(["as", "list"], 5)])[0].key == "5"  # type: ignore[arg-type]


def test_sweep_and_expired_overwrite_with_fake_clock() -> None:
    clock = [0.0]
    store = InMemoryStore(ttl={"default_ttl": 1.0})
    store._clock = lambda: clock[0]
    store.put(("docs",), "k", {"v": 1})
    first = store.get(("docs",), "k")
    clock[0] = 61.0
    store.put(("docs",), "k", {"v": 2})  # the old item had expired: a fresh item
    assert store.get(("docs",), "k").created_at > first.created_at
    clock[0] = 200.0
    assert store.sweep_ttl() == 1
    assert store._data == {}


def test_ttl_must_be_positive() -> None:
    with pytest.raises(StoreError, match="positive number of minutes"):
        InMemoryStore(ttl={}).put(("docs",), "k", {"v": 1}, ttl=0)


def test_without_a_ttl_config_the_store_has_no_ttl_as_in_langgraph() -> None:
    store = InMemoryStore()
    assert store.supports_ttl is False and InMemoryStore(ttl={"default_ttl": 5}).supports_ttl is True
    with pytest.raises(NotImplementedError, match="does not support TTL"):
        store.put(("docs",), "k", {"v": 1}, ttl=1.0)
    store.put(("docs",), "k", {"v": 1}, ttl=None)  # no expiry asked: fine
    assert store.get(("docs",), "k").value == {"v": 1}


def test_plain_put_keeps_created_at_of_a_live_ttl_item_but_not_of_an_expired_one() -> None:
    # put() without TTL or embedding skips the batch path; it must judge expiry the same way
    clock = [0.0]
    store = InMemoryStore(ttl={})
    store._clock = lambda: clock[0]
    store.put(("docs",), "k", {"v": 1}, ttl=1.0)
    first = store.get(("docs",), "k")
    clock[0] = 30.0
    store.put(("docs",), "k", {"v": 2})  # still live: same item, updated
    second = store.get(("docs",), "k")
    assert second.created_at == first.created_at and second.updated_at > first.updated_at
    assert store._data[("docs",)]["k"].expires_at is None  # the plain put dropped the TTL
    store.put(("docs",), "k", {"v": 3}, ttl=1.0)
    clock[0] = 200.0
    store.put(("docs",), "k", {"v": 4})  # expired: a new item
    assert store.get(("docs",), "k").created_at > second.created_at


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_index_false_put_skips_embedding_on_an_indexed_store(mode: str) -> None:
    embeddings = FakeEmbeddings(DIMS)
    index = {"dims": DIMS, "embed": embeddings, "fields": ["text"]}
    store = StoreDriver(InMemoryStore(index=index), mode)
    await store.put(("docs",), "k", {"text": "hello"}, index=False)
    await store.put(("docs",), "j", {"text": "hello"})
    hits = await store.search(("docs",), query="hello")
    assert [(hit.key, hit.score is None) for hit in hits] == [("j", False), ("k", True)]
    assert embeddings.calls == [["hello"], ["hello"]]  # j's text, then the query


def test_vector_ranking_ties_keep_insertion_order_and_pages_continue() -> None:
    store = InMemoryStore(index={"dims": DIMS, "embed": FakeEmbeddings(DIMS)})
    for i in range(6):
        store.put(("docs",), f"same{i}", {"text": "same words"})
    store.put(("docs",), "none", {"other": 1})
    keys = [hit.key for hit in store.search(("docs",), query="same words", limit=7)]
    assert keys == [f"same{i}" for i in range(6)] + ["none"]
    paged = [
        hit.key
        for offset in range(0, 7, 3)
        for hit in store.search(("docs",), query="same words", limit=3, offset=offset)
    ]
    assert paged == keys
