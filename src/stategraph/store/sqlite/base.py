"""``SqliteStore``: the long-term store in SQLite through the stdlib ``sqlite3``.

One connection shared by threads under a lock (``check_same_thread=False``), WAL
mode for files, numbered migrations on first use.  The operations are the plans of
``stategraph.store._sql``; this module only drives them.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..._sqlite_driver import drive as _shared_drive
from .._backend_types import BaseSqliteStore, SqliteIndexConfig
from .._sql import migrations, plans
from .._sql.dialect import SQLITE
from .._sql.stores import SyncSqlStore
from ..base import IndexConfig, TTLConfig

__all__ = ["BaseSqliteStore", "CONNECTION_SETUP", "SqliteIndexConfig", "SqliteStore", "drive"]

CONNECTION_SETUP = ("PRAGMA journal_mode=WAL", "PRAGMA busy_timeout=5000")


def _begin(write: bool, atomic: bool) -> str | None:
    # Gets alone need no transaction: a get is one SELECT (plus, when its item has a
    # TTL to refresh, one UPDATE, which sqlite3 wraps in a transaction of its own).
    if not atomic:
        return None
    return SQLITE.begin_write if write else SQLITE.begin_read


drive = _shared_drive


class SqliteStore(SyncSqlStore):
    """A long-term store in SQLite; safe to share between threads.

    ``index`` enables semantic search, ``ttl`` a default expiry (minutes); call
    ``setup()`` once (the first operation also does).

    Examples:
        >>> from stategraph.store.sqlite import SqliteStore
        >>> with SqliteStore.from_conn_string("store.db") as store:  # or ":memory:"
        ...     store.setup()
        ...     store.put(("users", "u1"), "prefs", {"color": "blue"})
        >>> with SqliteStore.from_conn_string("store.db") as store:  # the file keeps it
        ...     print(store.get(("users", "u1"), "prefs").value)
        ...     print([hit.key for hit in store.search(("users",), filter={"color": "blue"})])
        {'color': 'blue'}
        ['prefs']
    """

    dialect = SQLITE

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        index: IndexConfig | None = None,
        ttl: TTLConfig | None = None,
    ) -> None:
        super().__init__(index=index, ttl=ttl)
        self.conn = conn
        self.lock = threading.RLock()
        self._reader: sqlite3.Cursor | None = None

    @classmethod
    @contextmanager
    def from_conn_string(
        cls,
        conn_string: str,
        *,
        index: IndexConfig | None = None,
        ttl: TTLConfig | None = None,
    ) -> Iterator[SqliteStore]:
        """Open ``conn_string`` (a path or ``":memory:"``), yield a store, close on exit."""
        conn = sqlite3.connect(conn_string, check_same_thread=False)
        store = cls(conn, index=index, ttl=ttl)
        try:
            yield store
        finally:
            store.stop_ttl_sweeper()
            conn.close()

    def setup(self) -> None:
        """Enable WAL and apply the missing migrations (a newer schema raises E302)."""
        with self.lock:
            if self.is_setup:
                return
            for statement in CONNECTION_SETUP:
                self.conn.execute(statement)
            drive(self.conn, migrations.setup(SQLITE), "BEGIN IMMEDIATE")
            self.is_setup = True

    def _read(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        if not self.is_setup:
            self.setup()
        with self.lock:  # why: a SELECT opens no implicit transaction in sqlite3
            if self._reader is None:
                self._reader = self.conn.cursor()  # reused: saves a cursor per read
            return self._reader.execute(sql, params).fetchall()

    def _run(self, plan: plans.Plan[Any], *, write: bool, atomic: bool = True) -> Any:
        if not self.is_setup:
            self.setup()
        with self.lock:
            return drive(self.conn, plan, _begin(write, atomic))


BaseSqliteStore.register(SqliteStore)
