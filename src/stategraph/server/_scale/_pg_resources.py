"""The server's resource tables (assistants, threads, runs, crons) on PostgreSQL.

Same row interface as the SQLite ``_db.Resources`` (plain dicts, JSON columns decoded), so
``Assistants`` and ``Threads`` run unchanged.  Tables carry an ``sg_server_`` prefix inside
the connection's ``search_path`` schema; JSON columns are ``jsonb``; times ``timestamptz``
(read back as ISO strings, as the SQLite tables hold them).  Values are always bound
parameters; table and column names come from this module or its callers, never a request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from .._db import now_iso

__all__ = ["PgResources", "decode_row", "table_name"]

T = TypeVar("T")

_PREFIX = "sg_server_"
# Numbered schema: index i holds the statements that move version i to i + 1.
_MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE sg_server_assistants (
            assistant_id TEXT PRIMARY KEY, graph_id TEXT NOT NULL, name TEXT NOT NULL,
            description TEXT, config JSONB NOT NULL, context JSONB NOT NULL,
            metadata JSONB NOT NULL, version INTEGER NOT NULL,
            created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL)""",
        """CREATE TABLE sg_server_assistant_versions (
            assistant_id TEXT NOT NULL, version INTEGER NOT NULL, graph_id TEXT NOT NULL,
            name TEXT NOT NULL, description TEXT, config JSONB NOT NULL, context JSONB NOT NULL,
            metadata JSONB NOT NULL, created_at TIMESTAMPTZ NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (assistant_id, version))""",
        """CREATE TABLE sg_server_threads (
            thread_id TEXT PRIMARY KEY, metadata JSONB NOT NULL, status TEXT NOT NULL,
            "values" JSONB, interrupts JSONB NOT NULL, config JSONB NOT NULL,
            created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL)""",
        # status: pending | running | success | error | interrupted | timeout
        """CREATE TABLE sg_server_runs (
            run_id TEXT PRIMARY KEY, seq BIGSERIAL NOT NULL, thread_id TEXT NOT NULL,
            assistant_id TEXT NOT NULL, status TEXT NOT NULL, metadata JSONB NOT NULL,
            kwargs JSONB NOT NULL, multitask_strategy TEXT, error JSONB,
            created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL,
            worker_id TEXT, lease_expires_at TIMESTAMPTZ, attempt INTEGER NOT NULL DEFAULT 0,
            cancel_requested BOOLEAN NOT NULL DEFAULT FALSE, start_checkpoint_id TEXT)""",
        "CREATE INDEX sg_server_runs_by_thread ON sg_server_runs (thread_id, seq)",
        "CREATE INDEX sg_server_runs_pending ON sg_server_runs (seq) WHERE status = 'pending'",
        # Invariant enforced by the database: at most one running run per thread.
        """CREATE UNIQUE INDEX sg_server_runs_one_running ON sg_server_runs (thread_id)
            WHERE status = 'running'""",
        "CREATE INDEX sg_server_runs_leases ON sg_server_runs (lease_expires_at) "
        "WHERE status = 'running'",
    ],
    [
        # scheduled runs (.._crons, ._crons); payload is the stored run request; enabled is
        # 0/1 as in the SQLite table, so one row code serves both
        """CREATE TABLE sg_server_crons (
            cron_id TEXT PRIMARY KEY, assistant_id TEXT NOT NULL, thread_id TEXT,
            user_id TEXT, schedule TEXT NOT NULL, timezone TEXT, end_time TIMESTAMPTZ,
            enabled INTEGER NOT NULL, on_run_completed TEXT, payload JSONB NOT NULL,
            metadata JSONB NOT NULL, next_run_date TIMESTAMPTZ,
            created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL)""",
        "CREATE INDEX sg_server_crons_due ON sg_server_crons (next_run_date) WHERE enabled = 1",
    ],
    # cancel_action: what a requested cancel does once the run stopped (NULL: interrupt;
    # 'rollback': delete the run and its checkpoints)
    ["ALTER TABLE sg_server_runs ADD COLUMN cancel_action TEXT"],
    [
        # thread TTL (.._thread_ttl): {"strategy", "ttl_minutes"} or NULL, and when the
        # sweeper last pruned the thread to its latest checkpoint (keep_latest)
        "ALTER TABLE sg_server_threads ADD COLUMN ttl JSONB, ADD COLUMN ttl_swept_at TIMESTAMPTZ",
    ],
]
_JSON_COLUMNS = frozenset(
    {"config", "context", "metadata", "values", "interrupts", "kwargs", "error", "payload", "ttl"}
)
_MIGRATION_LOCK = 0x53475352  # "SGSR": advisory lock id of the server's migrations
# The queue's own columns, left out of the rows the API reports.  start_checkpoint_id: the
# thread's latest checkpoint when the run first started (a re-claimed run whose thread has
# moved past it had begun writing, and goes on from there).
_HIDDEN = frozenset(
    {
        "seq",
        "worker_id",
        "lease_expires_at",
        "cancel_requested",
        "cancel_action",
        "attempt",
        "start_checkpoint_id",
    }
)


def table_name(table: str) -> str:
    """Return the Postgres table behind a resource table name (``runs`` -> prefixed)."""
    return _PREFIX + table


class PgResources:
    """Rows of the resource tables, as plain dicts; safe to share between threads.

    One autocommit connection under a lock; a connection the server dropped (restart,
    ``pg_terminate_backend``) is reopened and the statement retried once.
    """

    def __init__(self, conninfo: str) -> None:
        self._conninfo = conninfo
        self._lock = threading.RLock()
        self._conn = self._connect()
        self._migrate()

    def _connect(self) -> psycopg.Connection[dict[str, Any]]:
        conn = psycopg.connect(self._conninfo, autocommit=True, row_factory=dict_row)
        conn.execute("SET TIME ZONE 'UTC'")  # why: times read back as the "+00:00" ISO form
        return conn

    def _migrate(self) -> None:
        with self.transaction() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            cur.execute(
                "CREATE TABLE IF NOT EXISTS sg_server_migrations (version INTEGER NOT NULL)"
            )
            row = cur.execute("SELECT max(version) AS v FROM sg_server_migrations").fetchone()
            version = (row or {}).get("v") or 0
            for index in range(version, len(_MIGRATIONS)):
                for statement in _MIGRATIONS[index]:
                    cur.execute(statement)  # type: ignore[arg-type]
                cur.execute("INSERT INTO sg_server_migrations VALUES (%s)", (index + 1,))

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Cursor[dict[str, Any]]]:
        """Hold the connection for one transaction; yield its cursor."""
        with self._lock:
            if self._conn.closed:
                self._conn = self._connect()
            with self._conn.transaction(), self._conn.cursor() as cur:
                yield cur

    def in_transaction(self, work: Callable[[psycopg.Cursor[dict[str, Any]]], T]) -> T:
        """Run ``work(cursor)`` in one transaction, again once if the connection had dropped."""
        for attempt in (1, 2):
            try:
                with self.transaction() as cur:
                    return work(cur)
            except psycopg.OperationalError:
                if attempt == 2 or not self._conn.closed:
                    raise
        raise AssertionError("unreachable")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run one statement (autocommit) and return its rows (decoded; [] if none)."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    if self._conn.closed:
                        self._conn = self._connect()
                    cur = self._conn.execute(sql, params)  # type: ignore[arg-type]
                    rows = cur.fetchall() if cur.description else []
                    return [_iso_times(r) for r in rows]
                except psycopg.OperationalError:
                    # why: a dropped connection fails before the statement ran; retry once
                    if attempt == 2 or not self._conn.closed:
                        raise
        raise AssertionError("unreachable")

    # ---------------------------------------------------------------- generic
    def insert(self, table: str, row: dict[str, Any]) -> None:
        """Insert ``row`` (JSON columns as jsonb); ``table`` is one of ours."""
        columns = ", ".join(f'"{k}"' for k in row)
        marks = ", ".join("%s" for _ in row)
        self.execute(
            f"INSERT INTO {table_name(table)} ({columns}) VALUES ({marks})",
            [encode(k, v) for k, v in row.items()],
        )

    def update(self, table: str, key: str, key_value: str, **fields: Any) -> None:
        """Set ``fields`` (and ``updated_at``, now unless given) on the row ``key`` names."""
        fields.setdefault("updated_at", now_iso())
        assignments = ", ".join(f'"{k}" = %s' for k in fields)
        self.execute(
            f"UPDATE {table_name(table)} SET {assignments} WHERE {key} = %s",
            [*(encode(k, v) for k, v in fields.items()), key_value],
        )

    def get(self, table: str, key: str, key_value: str) -> dict[str, Any] | None:
        """Return the row whose ``key`` is ``key_value``, or None."""
        rows = self.select(table, f"{key} = ?", [key_value])
        return rows[0] if rows else None

    def select(
        self, table: str, where: str = "1", params: list[Any] | None = None
    ) -> list[dict[str, Any]]:
        """Return decoded rows matching ``where`` (a fixed clause with ``?`` params)."""
        clause = "TRUE" if where == "1" else where.replace("?", "%s")
        rows = self.execute(
            f"SELECT * FROM {table_name(table)} WHERE {clause} ORDER BY created_at", params or []
        )
        return [decode_row(r) for r in rows]

    def delete(self, table: str, key: str, key_value: str) -> int:
        """Delete rows whose ``key`` is ``key_value``; return how many went."""
        rows = self.execute(
            f"DELETE FROM {table_name(table)} WHERE {key} = %s RETURNING 1 AS gone", [key_value]
        )
        return len(rows)

    def delete_where(self, table: str, where: str, params: list[Any]) -> int:
        """Delete rows matching ``where`` (a fixed clause with ``?`` params); return how many."""
        clause = where.replace("?", "%s")
        rows = self.execute(
            f"DELETE FROM {table_name(table)} WHERE {clause} RETURNING 1 AS gone", params
        )
        return len(rows)

    @contextmanager
    def advisory_lock(self, key: int) -> Iterator[None]:
        """Hold a session advisory lock (e.g. while seeding rows two processes might add)."""
        with self._lock:
            self.execute("SELECT pg_advisory_lock(%s)", [key])
            try:
                yield
            finally:
                self.execute("SELECT pg_advisory_unlock(%s)", [key])


def encode(column: str, value: Any) -> Any:
    """Bind a column value: JSON columns as jsonb (None stays SQL NULL)."""
    return Jsonb(value) if column in _JSON_COLUMNS and value is not None else value


def decode_row(row: dict[str, Any]) -> dict[str, Any]:
    """A fetched row as the API reports it: times as ISO strings, queue columns left out."""
    return {k: v for k, v in _iso_times(row).items() if k not in _HIDDEN}


def _iso_times(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}
