"""``PostgresStore``: the long-term store in PostgreSQL through psycopg 3.

Tables ``store`` / ``store_vectors`` / ``store_migrations`` live in the connection's
``search_path`` schema.  ``setup()`` applies numbered migrations under an advisory
lock, so processes may call it concurrently.  Vectors are stored as unit float32
``BYTEA`` and ranked by cosine in Python (numpy when installed), which needs no
extension or superuser; pgvector is not used (its ANN index would change results
for approximate search anyway).  Connections must be in autocommit mode, as
``from_conn_string`` opens them: each batch runs in its own transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any, TypedDict

from psycopg import Connection
from psycopg.rows import tuple_row
from psycopg_pool import ConnectionPool

from .._backend_types import (
    ANNIndexConfig,
    BasePostgresStore,
    HNSWConfig,
    IVFFlatConfig,
    PostgresIndexConfig,
)
from .._sql import migrations, plans
from .._sql.dialect import POSTGRES
from .._sql.stores import SyncSqlStore
from ..base import IndexConfig, TTLConfig

__all__ = [
    "CONNECTION_KWARGS",
    "PoolConfig",
    "PostgresStore",
    "drive",
    # LangGraph's typing names (see stategraph.store._backend_types)
    "ANNIndexConfig",
    "BasePostgresStore",
    "HNSWConfig",
    "IVFFlatConfig",
    "PostgresIndexConfig",
]

# autocommit: each batch is one explicit transaction; rows as tuples whatever the caller set
CONNECTION_KWARGS: dict[str, Any] = {"autocommit": True, "row_factory": tuple_row}


class PoolConfig(TypedDict, total=False):
    """Options of the pool that ``from_conn_string(pool_config=...)`` opens.

    Examples:
        >>> import uuid
        >>> from stategraph.store.postgres import PoolConfig, PostgresStore
        >>> pool: PoolConfig = {"min_size": 1, "max_size": 4}
        >>> url = "postgresql://postgres@127.0.0.1:5432/postgres"
        >>> namespace = ("example", uuid.uuid4().hex)  # unique: leaves no data behind
        >>> with PostgresStore.from_conn_string(url, pool_config=pool) as store:
        ...     store.setup()
        ...     store.put(namespace, "k", {"v": 1})
        ...     print(type(store.conn).__name__, store.get(namespace, "k").value)
        ...     store.delete(namespace, "k")
        ConnectionPool {'v': 1}
    """

    min_size: int
    max_size: int
    kwargs: dict[str, Any]  # extra connection arguments


def drive(conn: Connection[Any], plan: plans.Plan[Any], *, atomic: bool = True) -> Any:
    """Run ``plan`` on ``conn`` in one transaction (``atomic=False``: in autocommit)."""
    try:
        query = next(plan)  # the plan's pure prelude runs outside the transaction
    except StopIteration as done:
        return done.value
    with (
        conn.transaction() if atomic else nullcontext(),
        conn.cursor(row_factory=tuple_row) as cursor,
    ):
        while True:
            if query.many:
                cursor.executemany(query.sql, query.params)
                reply = None
            else:
                cursor.execute(query.sql, query.params)
                reply = cursor.fetchall() if cursor.description else []
            try:
                query = plan.send(reply)
            except StopIteration as done:
                return done.value


class PostgresStore(SyncSqlStore):
    """A long-term store in PostgreSQL; safe to share between threads.

    ``conn`` is a psycopg ``Connection`` (used by one thread at a time) or a
    ``ConnectionPool`` (concurrent batches each take a connection).

    Examples:
        >>> import uuid
        >>> from stategraph.store.postgres import PostgresStore
        >>> url = "postgresql://postgres@127.0.0.1:5432/postgres"
        >>> namespace = ("users", uuid.uuid4().hex)  # unique: leaves no data behind
        >>> with PostgresStore.from_conn_string(url) as store:
        ...     store.setup()  # creates the tables once; safe to repeat
        ...     store.put(namespace, "prefs", {"color": "blue"})
        ...     print(store.get(namespace, "prefs").value)
        ...     print([hit.key for hit in store.search(namespace, filter={"color": "blue"})])
        ...     store.delete(namespace, "prefs")
        ...     print(store.get(namespace, "prefs"))
        {'color': 'blue'}
        ['prefs']
        None
    """

    dialect = POSTGRES

    def __init__(
        self,
        conn: Connection[Any] | ConnectionPool,
        *,
        index: IndexConfig | None = None,
        ttl: TTLConfig | None = None,
    ) -> None:
        super().__init__(index=index, ttl=ttl)
        self.conn = conn
        self.lock = threading.Lock()
        self._setup_lock = threading.Lock()

    @classmethod
    @contextmanager
    def from_conn_string(
        cls,
        conn_string: str,
        *,
        pool_config: PoolConfig | None = None,
        index: IndexConfig | None = None,
        ttl: TTLConfig | None = None,
    ) -> Iterator[PostgresStore]:
        """Connect (or open a pool when ``pool_config`` is given), yield a store, close on exit."""
        if pool_config is not None:
            with ConnectionPool(
                conn_string,
                min_size=pool_config.get("min_size", 1),
                max_size=pool_config.get("max_size"),
                kwargs={**CONNECTION_KWARGS, **pool_config.get("kwargs", {})},
                open=True,
            ) as pool:
                yield from _serve(cls(pool, index=index, ttl=ttl))
            return
        with Connection.connect(conn_string, **CONNECTION_KWARGS) as conn:
            yield from _serve(cls(conn, index=index, ttl=ttl))

    @contextmanager
    def _connection(self) -> Iterator[Connection[Any]]:
        if isinstance(self.conn, ConnectionPool):
            with self.conn.connection() as conn:
                yield conn
        else:
            with self.lock:
                yield self.conn

    def setup(self) -> None:
        """Apply the missing migrations (safe across processes; a newer schema raises E302)."""
        with self._setup_lock:
            if self.is_setup:
                return
            with self._connection() as conn:
                drive(conn, migrations.setup(POSTGRES))
            self.is_setup = True

    def _read(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        if not self.is_setup:
            self.setup()
        # autocommit: one round trip, no BEGIN/COMMIT.  psycopg prepares a statement after
        # prepare_threshold runs (5 by default); a connection set not to (pgbouncer) stays so.
        with self._connection() as conn, conn.cursor(row_factory=tuple_row) as cursor:
            return cursor.execute(sql, params).fetchall()

    def _run(self, plan: plans.Plan[Any], *, write: bool, atomic: bool = True) -> Any:
        if not self.is_setup:
            self.setup()
        with self._connection() as conn:
            return drive(conn, plan, atomic=atomic)


def _serve(store: PostgresStore) -> Iterator[PostgresStore]:
    try:
        yield store
    finally:
        store.stop_ttl_sweeper()


BasePostgresStore.register(PostgresStore)
