"""Server resources (assistants, threads, runs) in SQLite tables of their own.

Checkpoints live in the checkpointer; these tables hold only what the HTTP API reports
about assistants, threads and runs.  JSON columns hold request/response data only.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime
from typing import Any

__all__ = ["Resources", "now_iso"]

# Numbered schema: index i holds the statements that move version i to i + 1.
_MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE assistants (
            assistant_id TEXT PRIMARY KEY, graph_id TEXT NOT NULL, name TEXT NOT NULL,
            description TEXT, config TEXT NOT NULL, context TEXT NOT NULL,
            metadata TEXT NOT NULL, version INTEGER NOT NULL,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
        """CREATE TABLE threads (
            thread_id TEXT PRIMARY KEY, metadata TEXT NOT NULL, status TEXT NOT NULL,
            "values" TEXT, interrupts TEXT NOT NULL, config TEXT NOT NULL,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
        """CREATE TABLE runs (
            run_id TEXT PRIMARY KEY, thread_id TEXT NOT NULL, assistant_id TEXT NOT NULL,
            status TEXT NOT NULL, metadata TEXT NOT NULL, kwargs TEXT NOT NULL,
            multitask_strategy TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
        "CREATE INDEX runs_by_thread ON runs (thread_id, created_at)",
    ],
    ["ALTER TABLE runs ADD COLUMN error TEXT"],  # a failed run's {error, message}, for join
    [
        # every version of every assistant; the assistants row mirrors the latest one chosen
        """CREATE TABLE assistant_versions (
            assistant_id TEXT NOT NULL, version INTEGER NOT NULL, graph_id TEXT NOT NULL,
            name TEXT NOT NULL, description TEXT, config TEXT NOT NULL, context TEXT NOT NULL,
            metadata TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
            PRIMARY KEY (assistant_id, version))""",
        """INSERT INTO assistant_versions SELECT assistant_id, version, graph_id, name,
            description, config, context, metadata, created_at, updated_at FROM assistants""",
    ],
    [
        # scheduled runs (_crons.py); payload is the stored run request, enabled is 0/1
        """CREATE TABLE crons (
            cron_id TEXT PRIMARY KEY, assistant_id TEXT NOT NULL, thread_id TEXT,
            user_id TEXT, schedule TEXT NOT NULL, timezone TEXT, end_time TEXT,
            enabled INTEGER NOT NULL, on_run_completed TEXT, payload TEXT NOT NULL,
            metadata TEXT NOT NULL, next_run_date TEXT,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    ],
    [
        # thread TTL (_thread_ttl.py): {"strategy", "ttl_minutes"} or NULL; when the sweeper
        # last pruned the thread to its latest checkpoint (keep_latest)
        "ALTER TABLE threads ADD COLUMN ttl TEXT",
        "ALTER TABLE threads ADD COLUMN ttl_swept_at TEXT",
    ],
]

_JSON_COLUMNS = frozenset(
    {"config", "context", "metadata", "values", "interrupts", "kwargs", "error", "payload", "ttl"}
)


def now_iso() -> str:
    """Return the current UTC time as an ISO-8601 string."""
    return datetime.now(UTC).isoformat()


# why: checkpoints, store and resources share one file through three connections; a writer
# waits for another's commit up to this long instead of failing with "database is locked"
BUSY_TIMEOUT = 30.0  # seconds


def connect(database: str, **kwargs: object) -> sqlite3.Connection:
    """A connection to the server's database: shared across threads, WAL, patient writers."""
    conn = sqlite3.connect(database, check_same_thread=False, timeout=BUSY_TIMEOUT, **kwargs)  # type: ignore[arg-type]
    if database != ":memory:":
        conn.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    return conn


class Resources:
    """Rows of the three resource tables, as plain dicts; safe to share between threads."""

    def __init__(self, database: str) -> None:
        self._conn = connect(database, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        self._migrate()

    def _migrate(self) -> None:
        with self._lock:
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            for index in range(version, len(_MIGRATIONS)):
                for statement in _MIGRATIONS[index]:
                    self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version = {index + 1}")

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    # ---------------------------------------------------------------- generic
    def insert(self, table: str, row: dict[str, Any]) -> None:
        """Insert ``row`` (JSON columns encoded); ``table`` is one of ours, never user input."""
        columns = ", ".join(f'"{k}"' for k in row)
        marks = ", ".join("?" for _ in row)
        with self._lock:
            self._conn.execute(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                [_encode(k, v) for k, v in row.items()],
            )

    def update(self, table: str, key: str, key_value: str, **fields: Any) -> None:
        """Set ``fields`` (and ``updated_at``, now unless given) on the row ``key`` names."""
        fields.setdefault("updated_at", now_iso())
        assignments = ", ".join(f'"{k}" = ?' for k in fields)
        with self._lock:
            self._conn.execute(
                f"UPDATE {table} SET {assignments} WHERE {key} = ?",
                [*(_encode(k, v) for k, v in fields.items()), key_value],
            )

    def get(self, table: str, key: str, key_value: str) -> dict[str, Any] | None:
        """Return the row whose ``key`` is ``key_value``, or None."""
        rows = self.select(table, f"{key} = ?", [key_value])
        return rows[0] if rows else None

    def select(
        self, table: str, where: str = "1", params: list[Any] | None = None
    ) -> list[dict[str, Any]]:
        """Return decoded rows matching ``where`` (a fixed clause with ``?`` params)."""
        with self._lock:
            cursor = self._conn.execute(
                f"SELECT * FROM {table} WHERE {where} ORDER BY created_at", params or []
            )
            rows = cursor.fetchall()
        return [{k: _decode(k, row[k]) for k in row.keys()} for row in rows]

    def delete(self, table: str, key: str, key_value: str) -> int:
        """Delete rows whose ``key`` is ``key_value``; return how many went."""
        with self._lock:
            return self._conn.execute(f"DELETE FROM {table} WHERE {key} = ?", [key_value]).rowcount

    def delete_where(self, table: str, where: str, params: list[Any]) -> int:
        """Delete rows matching ``where`` (a fixed clause with ``?`` params); return how many."""
        with self._lock:
            return self._conn.execute(f"DELETE FROM {table} WHERE {where}", params).rowcount


def _encode(column: str, value: Any) -> Any:
    return json.dumps(value) if column in _JSON_COLUMNS else value


def _decode(column: str, value: Any) -> Any:
    return json.loads(value) if column in _JSON_COLUMNS and value is not None else value
