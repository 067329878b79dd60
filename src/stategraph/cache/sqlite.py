"""``SqliteCache``: a ``BaseCache`` in one SQLite file, shared by threads and processes.

One connection guarded by a lock (``check_same_thread=False``) in WAL mode; other
processes may open the same file.  Values are stored as ``serde.dumps_typed`` output
(msgpack by default, never pickle); expiry is an absolute wall-clock time so every
process agrees on it.  The async methods run the sync ones in a worker thread.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from ._codec import MISS, default_serde, load_value
from .base import BaseCache, FullKey, Namespace, ValueT

__all__ = ["SqliteCache"]

_TABLE = "stategraph_cache"
_SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS {_TABLE} (ns TEXT NOT NULL, key TEXT NOT NULL, "
    "expiry REAL, encoding TEXT NOT NULL, val BLOB NOT NULL, PRIMARY KEY (ns, key))",
    f"CREATE INDEX IF NOT EXISTS {_TABLE}_expiry ON {_TABLE} (expiry) WHERE expiry IS NOT NULL",
)
_UPSERT = (
    f"INSERT INTO {_TABLE} (ns, key, expiry, encoding, val) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (ns, key) DO UPDATE SET "
    "expiry = excluded.expiry, encoding = excluded.encoding, val = excluded.val"
)
_PURGE = f"DELETE FROM {_TABLE} WHERE expiry IS NOT NULL AND expiry <= ?"
_CHUNK = 400  # (ns, key) pairs per statement; stays far below SQLite's parameter limit


def _namespace_text(namespace: Namespace) -> str:
    # why: JSON keeps every tuple distinct, e.g. ("a,b",) vs ("a", "b"), unlike a join
    return json.dumps(list(namespace), ensure_ascii=False)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SqliteCache(BaseCache[ValueT]):
    """Cache node writes in the SQLite file at ``path`` (``":memory:"`` for a private one).

    ``serde`` defaults to the strict ``JsonPlusSerializer``; entries it cannot read
    back are warned about and treated as misses.  Call ``close()`` (or use ``with``)
    to release the file.

    Examples:
        >>> from stategraph.cache.sqlite import SqliteCache
        >>> with SqliteCache(path="cache.db") as cache:
        ...     cache.set({(("fetch",), "url-1"): ({"status": 200}, 300)})
        ...     print(cache.get([(("fetch",), "url-1"), (("fetch",), "url-2")]))
        ...     cache.clear([("fetch",)])
        ...     print(cache.get([(("fetch",), "url-1")]))
        {(('fetch',), 'url-1'): {'status': 200}}
        {}

        Pass it to ``compile(cache=...)`` to cache nodes that have a ``CachePolicy``.
    """

    def __init__(self, *, path: str | os.PathLike[str], serde: Any = None) -> None:
        super().__init__(serde=default_serde(serde))
        self.path = os.fspath(path)
        # why: isolation_level=None leaves transactions to us (BEGIN IMMEDIATE for writes)
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        # Invariant: every use of self._conn happens while holding self._lock.
        self._lock = threading.Lock()
        self._clock: Callable[[], float] = time.time  # why: tests substitute a fake clock
        with self._lock:
            self._conn.execute("PRAGMA busy_timeout = 5000")
            self._conn.execute("PRAGMA journal_mode = WAL")
            with self._transaction():
                for statement in _SCHEMA:
                    self._conn.execute(statement)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block as one write transaction (caller holds the lock)."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def get(self, keys: Sequence[FullKey]) -> dict[FullKey, ValueT]:
        """Return the live values among ``keys``; expired and unreadable entries are misses."""
        wanted = {(_namespace_text(ns), key): (tuple(ns), key) for ns, key in keys}
        if not wanted:
            return {}
        rows: list[tuple[str, str, str, bytes]] = []
        with self._lock:
            now = self._clock()
            for chunk in _chunks(list(wanted), _CHUNK):
                pairs = ", ".join(["(?, ?)"] * len(chunk))
                sql = (
                    f"SELECT ns, key, encoding, val FROM {_TABLE} "
                    f"WHERE (expiry IS NULL OR expiry > ?) AND (ns, key) IN (VALUES {pairs})"
                )
                params = [now, *(part for pair in chunk for part in pair)]
                rows.extend(self._conn.execute(sql, params).fetchall())
        found: dict[FullKey, Any] = {}
        for namespace_text, key, tag, payload in rows:  # decode outside the lock
            full_key = wanted[(namespace_text, key)]
            value = load_value(self.serde, full_key, tag, payload)
            if value is not MISS:
                found[full_key] = value
        return found

    def set(self, pairs: Mapping[FullKey, tuple[ValueT, int | float | None]]) -> None:
        """Store each value with its TTL in seconds (None: until cleared)."""
        encoded = [
            (_namespace_text(ns), key, ttl, *self.serde.dumps_typed(value))
            for (ns, key), (value, ttl) in pairs.items()
        ]
        if not encoded:
            return
        with self._lock:
            now = self._clock()
            rows = [
                (ns, key, None if ttl is None else now + ttl, tag, payload)
                for ns, key, ttl, tag, payload in encoded
            ]
            with self._transaction() as conn:
                conn.executemany(_UPSERT, rows)
                conn.execute(_PURGE, (now,))  # why: keeps the file from growing with dead rows

    def clear(self, namespaces: Sequence[Namespace] | None = None) -> None:
        """Delete the entries of ``namespaces`` (exact match), or every entry when None."""
        with self._lock, self._transaction() as conn:
            if namespaces is None:
                conn.execute(f"DELETE FROM {_TABLE}")
                return
            texts = [_namespace_text(ns) for ns in namespaces]
            for chunk in _chunks(texts, _CHUNK):
                marks = ", ".join(["?"] * len(chunk))
                conn.execute(f"DELETE FROM {_TABLE} WHERE ns IN ({marks})", list(chunk))

    async def aget(self, keys: Sequence[FullKey]) -> dict[FullKey, ValueT]:
        """Async ``get``, run in a worker thread."""
        return await asyncio.to_thread(self.get, keys)

    async def aset(self, pairs: Mapping[FullKey, tuple[ValueT, int | float | None]]) -> None:
        """Async ``set``, run in a worker thread."""
        await asyncio.to_thread(self.set, pairs)

    async def aclear(self, namespaces: Sequence[Namespace] | None = None) -> None:
        """Async ``clear``, run in a worker thread."""
        await asyncio.to_thread(self.clear, namespaces)

    def close(self) -> None:
        """Close the connection; the cache cannot be used afterwards."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> SqliteCache[ValueT]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
