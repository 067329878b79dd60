"""SQLite long-term stores: ``SqliteStore`` (sqlite3) and ``AsyncSqliteStore`` (aiosqlite).

Both run the shared plans of ``stategraph.store._sql``; vectors are float32 blobs
ranked in Python (numpy when installed), TTL is on, migrations are numbered.
``AsyncSqliteStore`` is imported on first use, so the sync store needs no aiosqlite.
"""

from typing import TYPE_CHECKING

from ..._lazy import lazy_exports
from .base import SqliteStore as SqliteStore

if TYPE_CHECKING:
    from .aio import AsyncSqliteStore as AsyncSqliteStore

__all__ = ["AsyncSqliteStore", "SqliteStore"]

__getattr__, __dir__ = lazy_exports(__name__, {"AsyncSqliteStore": ".aio"})
