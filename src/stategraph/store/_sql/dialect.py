"""What differs between the SQL databases the store runs on.

Shared SQL text is written with ``?`` placeholders and ``{text}``-style type slots;
a dialect renders it.  Every value, JSON paths included, is a bound parameter.
"""

from __future__ import annotations

import json
import json.scanner
from dataclasses import dataclass
from typing import Any

__all__ = ["POSTGRES", "SQLITE", "StoreDialect"]

# why: json.loads wraps this C scanner in Python-level whitespace and type checks; the
# texts the store wrote (json.dumps, no padding) decode in one call.  Anything else
# (padding, bytes, a scan that does not end at the end) takes json.loads.
_scan = json.scanner.make_scanner(json.JSONDecoder())


@dataclass(frozen=True)
class StoreDialect:
    """The SQL variations the shared store queries are rendered with."""

    name: str
    param: str  # placeholder for one bound value
    text_type: str  # namespace/key columns: must compare byte-wise (code point order)
    json_type: str
    json_param: str  # how a JSON text parameter is written into a value column
    float_type: str
    bytes_type: str
    begin_read: str | None  # None: the driver opens the transaction itself
    begin_write: str | None
    setup_lock: str | None = None  # taken inside the migration transaction
    allows_nul: bool = True  # may text hold "\x00"?
    # SQLite's planner has no statistics on prefix ranges: the plan asks how many rows a
    # prefix holds and, when many, writes the range so the planner walks the newest-first
    # index.  (Postgres plans well from its statistics; PostgresStore keeps them fresh.)
    probes_prefix: bool = False
    # Right after a bulk load, until autovacuum's next round (autovacuum_naptime, one
    # minute by default), Postgres has no statistics on ``store`` and plans a broad prefix
    # search as a handful of rows: it sorts every row under the prefix instead of walking
    # the newest-first index (8.9 ms instead of 0.03 ms at 10k items).  When set, this
    # query (one boolean: statistics missing, or stale by autovacuum's own rule) runs
    # before a search at most every STATS_CHECK_SECONDS, and ``ANALYZE store`` if true.
    stale_statistics: str | None = None
    # Does a transaction give its reads one snapshot?  SQLite: yes.  Postgres at READ
    # COMMITTED (psycopg's default): no, each statement takes its own, so read-only
    # batches run in autocommit: no BEGIN and COMMIT round trips.
    snapshot_reads: bool = True
    # Can one statement clear an item's vectors and upsert it (a data-modifying CTE, or
    # triggers)?
    # Then a lone put needs no explicit transaction: one round trip instead of four.
    clears_in_upsert: bool = False
    # ... because triggers on ``store`` clear the vectors (migrations 6-7), not a CTE.
    clears_by_trigger: bool = False

    def render(self, sql: str) -> str:
        """Fill the type slots and replace ``?`` placeholders with this dialect's."""
        sql = sql.format(
            text=self.text_type,
            json=self.json_type,
            json_param=self.json_param,
            float=self.float_type,
            bytes=self.bytes_type,
        )
        return sql if self.param == "?" else sql.replace("?", self.param)

    def text_at(self) -> str:
        """SQL for the text at a bound JSON path of ``value`` (NULL when absent)."""
        raise NotImplementedError

    def json_path(self, parts: list[str]) -> Any:
        """Return the bound parameter that names ``parts`` for ``text_at``, or None."""
        raise NotImplementedError

    def is_string_at(self) -> str:
        """SQL: the member at a bound JSON path of ``value`` is a JSON string."""
        raise NotImplementedError

    def without_index(self, column: str) -> str:
        """Write ``column`` so the planner will not use an index on it."""
        return column

    def load_json(self, raw: Any) -> Any:
        """Decode a value column as fetched (text for SQLite, already parsed for jsonb)."""
        if type(raw) is str:
            try:
                value, end = _scan(raw, 0)
            except StopIteration:
                end = -1
            if end == len(raw):
                return value
        return json.loads(raw) if isinstance(raw, (str, bytes, bytearray)) else raw


@dataclass(frozen=True)
class SqliteDialect(StoreDialect):
    """SQLite >= 3.35 (``RETURNING``); JSON via the built-in JSON1 functions."""

    def text_at(self) -> str:
        return "json_extract(value, ?)"

    def is_string_at(self) -> str:
        return "json_type(value, ?) = 'text'"

    def without_index(self, column: str) -> str:
        return "+" + column

    def json_path(self, parts: list[str]) -> Any:
        # why: SQLite's JSON path grammar has no escape for '"' inside a quoted label and
        # does not match keys stored JSON-escaped (control characters), so such keys are
        # not pushed down; the exact Python filter still applies.
        if any(char in '"\\' or char < " " for part in parts for char in part):
            return None
        return "$" + "".join(f'."{part}"' for part in parts)


@dataclass(frozen=True)
class PostgresDialect(StoreDialect):
    """PostgreSQL >= 12 with psycopg 3; JSONB values, path given as a text[] parameter."""

    def text_at(self) -> str:
        return "(value #>> ?::text[])"

    def is_string_at(self) -> str:
        return "jsonb_typeof(value #> ?::text[]) = 'string'"

    def json_path(self, parts: list[str]) -> Any:
        return list(parts)


SQLITE = SqliteDialect(
    name="sqlite",
    param="?",
    text_type="TEXT",
    json_type="TEXT",
    json_param="?",
    float_type="REAL",
    bytes_type="BLOB",
    begin_read="BEGIN",
    # why: IMMEDIATE takes the write lock up front, avoiding SQLITE_BUSY on lock upgrade.
    begin_write="BEGIN IMMEDIATE",
    probes_prefix=True,
    clears_in_upsert=True,
    clears_by_trigger=True,
)

POSTGRES = PostgresDialect(
    name="postgres",
    param="%s",
    text_type='TEXT COLLATE "C"',
    json_type="JSONB",
    json_param="?::jsonb",
    float_type="DOUBLE PRECISION",
    bytes_type="BYTEA",
    begin_read=None,
    begin_write=None,
    # why: two processes calling setup() at once would race on CREATE TABLE IF NOT
    # EXISTS and on the migration numbers; the lock ends with the transaction.
    setup_lock="SELECT pg_advisory_xact_lock(4242421)",
    allows_nul=False,
    clears_in_upsert=True,
    snapshot_reads=False,
    stale_statistics=(
        "SELECT c.reltuples < 0 OR COALESCE(s.n_mod_since_analyze, 0) > 50 + 0.1 * c.reltuples "
        "FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid "
        "WHERE c.oid = 'store'::regclass"
    ),
)
