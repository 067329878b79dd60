"""What differs between SQL databases: placeholders, column types, JSON filters.

``SQLITE`` and ``POSTGRES``.  Upserts use ``ON CONFLICT`` and blob chains ``WITH
RECURSIVE``, which both accept, so the shared queries differ only in what is here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import id_keys

__all__ = ["POSTGRES", "SQLITE", "Dialect", "PostgresDialect", "SqliteDialect"]


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
    # A statement (thread_id, ns, expected head, new id) that raises unless the expected
    # head is the scope's head and the new id sorts after it: the compare-and-set of a
    # put done by the server, so nothing waits for the head (see migrations); or None.
    head_check: str | None = None
    # Whether a group's rows go in one INSERT per table (``queries.Bulk``) rather than one
    # execution per row: worth it where each statement is a network exchange.
    bulk_rows: bool = False
    bulk_param: str = "?"  # the placeholder of one column's array in such an INSERT

    def render(self, sql: str) -> str:
        """Replace the ``?`` placeholders of shared SQL text with this dialect's."""
        return sql if self.param == "?" else sql.replace("?", self.param)

    def metadata_equals(self, key: str, value_json: str) -> tuple[str, list[Any]]:
        """Return an SQL condition and its parameters: metadata[key] equals the JSON value."""
        raise NotImplementedError

    def id_key(self, checkpoint_id: str) -> Any:
        """Return how an id column stores ``checkpoint_id`` (the text itself by default)."""
        return checkpoint_id

    def id_text(self, key: Any) -> str:
        """Return the id an id column's ``key`` stores (see ``id_key``)."""
        return key  # type: ignore[no-any-return]


@dataclass(frozen=True)
class SqliteDialect(Dialect):
    """SQLite >= 3.38 (for the ``->`` JSON operator).

    Id columns hold ``id_keys`` keys: 16 bytes for a uuid, ordered as the texts are.
    """

    def id_key(self, checkpoint_id: str) -> Any:
        return id_keys.to_key(checkpoint_id)

    def id_text(self, key: Any) -> str:
        return id_keys.to_text(key)

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
    # why: in WAL mode synchronous=NORMAL keeps every commit atomic and durable against a
    # process crash (the crash harness kills with SIGKILL); only an OS crash or power loss can
    # drop the last commits, never corrupt the file.  FULL costs an fsync per step.
    connection_setup=("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL"),
)


@dataclass(frozen=True)
class PostgresDialect(Dialect):
    """PostgreSQL >= 13 through psycopg 3 (``%s`` placeholders)."""

    def metadata_equals(self, key: str, value_json: str) -> tuple[str, list[Any]]:
        # Metadata is canonical JSON *text*, and `json ->` returns a member's text verbatim,
        # so equal text is exact equality as on SQLite (JSONB would take 1.0 for 1 and store
        # 1e16 back as an int).  Key and value are both bound, never inlined.
        return "COALESCE(CAST(CAST(metadata AS json) -> CAST(? AS text) AS text), 'null') = ?", [
            key,
            value_json,
        ]


# why: metadata and blob refs are TEXT, not JSONB, so they read back byte for byte (see
# metadata_equals); transactions are opened by the psycopg driver, not by these strings.
POSTGRES = PostgresDialect(
    name="postgres",
    param="%s",
    bytes_type="BYTEA",
    json_type="TEXT",
    begin_read="BEGIN",
    begin_write="BEGIN",
    head_check="SELECT stategraph_check_head(%s, %s, %s, %s)",
    bulk_rows=True,
    # why: psycopg sends a list in binary with %b; its text form escapes every item with
    # regular expressions, which cost more than the rest of a put
    bulk_param="%b",
)
