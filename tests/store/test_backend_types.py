"""Backend typing names: index configs with LangGraph's pgvector keys, and the base types."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from stategraph.store.base import IndexConfig
from stategraph.store.sqlite import AsyncSqliteStore, SqliteStore
from stategraph.store.sqlite.base import BaseSqliteStore, SqliteIndexConfig

from .conformance import DIMS, FakeEmbeddings

pytestmark = pytest.mark.anyio


def index_with_ann() -> dict:
    from stategraph.store.postgres.base import HNSWConfig, PostgresIndexConfig

    config: PostgresIndexConfig = {
        "dims": DIMS, "embed": FakeEmbeddings(DIMS), "fields": ["text"],
        "ann_index_config": HNSWConfig(kind="hnsw", m=16, ef_construction=64),
        "distance_type": "cosine",
    }  # fmt: skip
    return config


def test_index_configs_extend_index_config() -> None:
    pytest.importorskip("psycopg")
    from stategraph.store.postgres.base import IVFFlatConfig, PostgresIndexConfig

    assert set(IndexConfig.__annotations__) <= set(PostgresIndexConfig.__annotations__)
    assert {"ann_index_config", "distance_type"} <= set(PostgresIndexConfig.__annotations__)
    assert IVFFlatConfig(kind="ivfflat", nlist=4) == {"kind": "ivfflat", "nlist": 4}
    assert set(SqliteIndexConfig.__annotations__) == set(IndexConfig.__annotations__)


def test_sqlite_stores_are_base_sqlite_stores() -> None:
    assert issubclass(SqliteStore, BaseSqliteStore) and issubclass(
        AsyncSqliteStore, BaseSqliteStore
    )
    with SqliteStore.from_conn_string(":memory:") as store:
        assert isinstance(store, BaseSqliteStore)
    assert not issubclass(dict, BaseSqliteStore)


def test_postgres_stores_are_base_postgres_stores_and_not_sqlite() -> None:
    pytest.importorskip("psycopg")
    from stategraph.store.postgres import AsyncPostgresStore, PostgresStore
    from stategraph.store.postgres.base import BasePostgresStore

    assert issubclass(PostgresStore, BasePostgresStore) and issubclass(
        AsyncPostgresStore, BasePostgresStore
    )
    assert not issubclass(SqliteStore, BasePostgresStore) and not issubclass(
        PostgresStore, BaseSqliteStore
    )


def test_sqlite_store_searches_with_a_sqlite_index_config() -> None:
    index: SqliteIndexConfig = {"dims": DIMS, "embed": FakeEmbeddings(DIMS), "fields": ["text"]}
    with SqliteStore.from_conn_string(":memory:", index=index) as store:
        store.setup()
        store.put(("docs",), "a", {"text": "apples"})
        assert [item.key for item in store.search(("docs",), query="apples")] == ["a"]


@pytest.fixture
def schema_dsn() -> Iterator[str]:
    psycopg = pytest.importorskip("psycopg")
    from psycopg.conninfo import make_conninfo

    from _services import postgres_dsn

    dsn = postgres_dsn()
    name = f"sg_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield make_conninfo(dsn, options=f"-c search_path={name}")
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{name}" CASCADE')


def test_postgres_store_accepts_and_ignores_ann_settings(schema_dsn: str) -> None:
    from stategraph.store.postgres import PostgresStore

    with PostgresStore.from_conn_string(schema_dsn, index=index_with_ann()) as store:
        store.setup()
        store.put(("docs",), "a", {"text": "apples"})
        store.put(("docs",), "b", {"text": "bridges"})
        hits = store.search(("docs",), query="apples")
        assert hits[0].key == "a" and hits[0].score == pytest.approx(1.0)


async def test_async_postgres_store_accepts_and_ignores_ann_settings(schema_dsn: str) -> None:
    from stategraph.store.postgres.aio import AsyncPostgresStore

    async with AsyncPostgresStore.from_conn_string(schema_dsn, index=index_with_ann()) as store:
        await store.setup()
        await store.aput(("docs",), "a", {"text": "apples"})
        hits = await store.asearch(("docs",), query="apples")
        assert [h.key for h in hits] == ["a"]
