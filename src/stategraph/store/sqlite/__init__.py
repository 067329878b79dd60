"""SQLite long-term stores: ``SqliteStore`` (sqlite3) and ``AsyncSqliteStore`` (aiosqlite).

Both run the shared plans of ``stategraph.store._sql``; vectors are float32 blobs
ranked in Python (numpy when installed), TTL is on, migrations are numbered.
"""

from .aio import AsyncSqliteStore as AsyncSqliteStore
from .base import SqliteStore as SqliteStore

__all__ = ["AsyncSqliteStore", "SqliteStore"]
