"""The sync SQLite store works without aiosqlite (light core); the async one names it."""

from __future__ import annotations

import subprocess
import sys

_PROGRAM = """
import sys
sys.modules["aiosqlite"] = None  # as if it were not installed
from stategraph.store.sqlite import SqliteStore
with SqliteStore.from_conn_string(":memory:") as store:
    store.put(("a",), "k", {"v": 1})
    print(store.get(("a",), "k").value)
try:
    from stategraph.store.sqlite import AsyncSqliteStore
except ImportError as exc:
    print("async:", exc.name)
"""


def test_the_sync_store_needs_no_aiosqlite() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _PROGRAM], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["{'v': 1}", "async: aiosqlite"]


def test_the_async_store_is_still_exported() -> None:
    from stategraph.store import sqlite
    from stategraph.store.sqlite.aio import AsyncSqliteStore

    assert sqlite.AsyncSqliteStore is AsyncSqliteStore
    assert "AsyncSqliteStore" in sqlite.__all__
