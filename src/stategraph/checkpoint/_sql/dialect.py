"""What differs between SQL databases: placeholders, column types, JSON filters.

Only SQLite is implemented; a Postgres dialect sets ``param = "%s"``, ``BYTEA``/``JSONB``
and its own ``metadata_equals``.  Upserts use ``ON CONFLICT``, which both accept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["SQLITE", "Dialect", "SqliteDialect"]


@dataclass(frozen=True)
class Dialect:
    """The SQL variations the shared queries are rendered with."""

    name: str
    param: str  # placeholder for one bound value
    bytes_type: str  # column type for serialized values
    json_type: str  # column type for JSON documents
    begin_read: str
    begin_write: str
    connection_setup: tuple[str, ...] = ()  # run once per connection, outside transactions

    def render(self, sql: str) -> str:
        """Replace the ``?`` placeholders of shared SQL text with this dialect's."""
        return sql if self.param == "?" else sql.replace("?", self.param)

    def metadata_equals(self, key: str, value_json: str) -> tuple[str, list[Any]]:
        """Return an SQL condition and its parameters: metadata[key] equals the JSON value."""
        raise NotImplementedError


@dataclass(frozen=True)
class SqliteDialect(Dialect):
    """SQLite >= 3.38 (for the ``->`` JSON operator)."""

    def metadata_equals(self, key: str, value_json: str) -> tuple[str, list[Any]]:
        # `->` returns the stored JSON text of the member; metadata is stored canonical, so
        # comparing texts is exact equality.  Key and value are both bound, never inlined.
        return "COALESCE(metadata -> ?, 'null') = ?", [f'$."{key}"', value_json]


SQLITE = SqliteDialect(
    name="sqlite",
    param="?",
    bytes_type="BLOB",
    json_type="TEXT",
    begin_read="BEGIN",
    # why: IMMEDIATE takes the write lock up front, avoiding SQLITE_BUSY on lock upgrade.
    begin_write="BEGIN IMMEDIATE",
    connection_setup=("PRAGMA journal_mode=WAL",),
)
