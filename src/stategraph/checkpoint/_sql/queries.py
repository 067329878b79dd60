"""SQL text of the checkpoint operations, written once with ``?`` placeholders.

``Queries(dialect)`` renders it for one database; builders cover the statements whose
shape depends on arguments (``list`` filters, blob fetches).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from .dialect import Dialect

__all__ = ["CHECKPOINT_COLUMNS", "SEGMENT_COLUMNS", "Bulk", "Queries", "queries_for"]

CHECKPOINT_COLUMNS = (
    "thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, "
    "metadata, blob_refs"
)
_SCOPE = "thread_id = ? AND checkpoint_ns = ?"
_BLOB_COLUMNS = (
    "thread_id, checkpoint_ns, channel, checkpoint_id, version, type, value, "
    "base_checkpoint_id, root_checkpoint_id"
)
_WRITE_COLUMNS = (
    "thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, value, task_path"
)
_WRITE_KEY = "thread_id, checkpoint_ns, checkpoint_id, task_id, idx"
SEGMENT_COLUMNS = "thread_id, checkpoint_ns, first_id, last_id, payload"
_IN_RANGE = f"{_SCOPE} AND checkpoint_id BETWEEN ? AND ?"


def _insert(table: str, columns: str) -> str:
    # one row of ``columns``, every value bound
    return f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['?'] * (columns.count(',') + 1))})"


class Bulk(NamedTuple):
    """An INSERT of many rows in one statement: one array parameter per column."""

    sql: str
    key_width: int  # the leading columns that make a row's key
    last_wins: bool  # DO UPDATE: of rows with one key, the last is stored (else the first)


_ARRAY_TYPES = {"checkpoint": "{bytes}", "value": "{bytes}", "payload": "{bytes}", "idx": "integer"}


def _unnest(table: str, columns: str, dialect: Dialect) -> str:
    # Rows as parallel arrays, one per column (Postgres): one statement and one execution
    # for a whole group, where one statement per row cost a protocol exchange each.
    arrays = ", ".join(
        f"CAST({dialect.bulk_param} AS {_ARRAY_TYPES.get(name, 'text').format(bytes=dialect.bytes_type)}[])"
        for name in columns.split(", ")
    )
    return f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays})"


def _unscoped(columns: str) -> str:
    # a table's columns after thread_id and checkpoint_ns: a segment's rows (``segments``)
    return columns.removeprefix("thread_id, checkpoint_ns, ")


def _copy(table: str, columns: str) -> str:
    # Copy every row of one thread to another; rows the target already has win.
    source = columns.replace("thread_id", "?", 1)
    return (
        f"INSERT INTO {table} ({columns}) SELECT {source} FROM {table} WHERE thread_id = ? "
        "ON CONFLICT DO NOTHING"
    )


class Queries:
    """Every statement of the checkpoint savers, rendered for one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        # why: over 40 lines, but it is a flat table of statements; splitting it would
        # scatter the SQL that reviewers want to read in one place.
        self.dialect = dialect
        r = dialect.render
        self.select_by_id = r(
            f"SELECT {CHECKPOINT_COLUMNS} FROM checkpoints WHERE {_SCOPE} AND checkpoint_id = ?"
        )
        self.select_latest = r(
            f"SELECT {CHECKPOINT_COLUMNS} FROM checkpoints WHERE {_SCOPE} "
            "ORDER BY checkpoint_id DESC LIMIT 1"
        )
        self.select_head = r(f"SELECT MAX(checkpoint_id) FROM checkpoints WHERE {_SCOPE}")
        self.select_refs = r(
            "SELECT blob_refs, parent_checkpoint_id FROM checkpoints "
            f"WHERE {_SCOPE} AND checkpoint_id = ?"
        )
        self.select_writes = r(
            "SELECT task_id, channel, type, value FROM checkpoint_writes "
            f"WHERE {_SCOPE} AND checkpoint_id = ? ORDER BY task_path, task_id, idx"  # LangGraph's order
        )
        self.select_writes_with_idx = r(
            "SELECT task_id, channel, type, value, idx, task_path FROM checkpoint_writes "
            f"WHERE {_SCOPE} AND checkpoint_id = ?"
        )
        checkpoint_conflict = (
            "ON CONFLICT (thread_id, checkpoint_ns, checkpoint_id) DO UPDATE SET "
            "parent_checkpoint_id = excluded.parent_checkpoint_id, type = excluded.type, "
            "checkpoint = excluded.checkpoint, metadata = excluded.metadata, "
            "blob_refs = excluded.blob_refs"
        )
        blob_conflict = (
            "ON CONFLICT (thread_id, checkpoint_ns, channel, checkpoint_id) DO UPDATE SET "
            "version = excluded.version, type = excluded.type, value = excluded.value, "
            "base_checkpoint_id = excluded.base_checkpoint_id, "
            "root_checkpoint_id = excluded.root_checkpoint_id"
        )
        write_upsert = (
            f"ON CONFLICT ({_WRITE_KEY}) DO UPDATE SET channel = excluded.channel, "
            "type = excluded.type, value = excluded.value, task_path = excluded.task_path"
        )
        write_keep = f"ON CONFLICT ({_WRITE_KEY}) DO NOTHING"
        # (statement, table, columns, conflict clause, key columns, whether a later row wins)
        inserts = [
            ("upsert_checkpoint", "checkpoints", CHECKPOINT_COLUMNS, checkpoint_conflict, 3, True),
            ("upsert_blob", "checkpoint_blobs", _BLOB_COLUMNS, blob_conflict, 4, True),
            ("upsert_write", "checkpoint_writes", _WRITE_COLUMNS, write_upsert, 5, True),
            ("insert_write", "checkpoint_writes", _WRITE_COLUMNS, write_keep, 5, False),
        ]
        # Per-row statement text -> its many-rows form (``bulk``), where the dialect has one.
        self.bulk: dict[str, Bulk] = {}
        for name, table, columns, conflict, key_width, last_wins in inserts:
            sql = r(f"{_insert(table, columns)} {conflict}")
            setattr(self, name, sql)
            if dialect.bulk_rows:
                many = r(f"{_unnest(table, columns, dialect)} {conflict}")
                self.bulk[sql] = Bulk(many, key_width, last_wins)
        self.delete_thread = tuple(
            r(f"DELETE FROM {table} WHERE thread_id = ?")
            for table in (
                "checkpoint_writes", "checkpoint_blobs", "checkpoints", "checkpoint_segments"
            )
        )  # fmt: skip
        self.copy_thread = (
            r(_copy("checkpoints", CHECKPOINT_COLUMNS)),
            r(_copy("checkpoint_blobs", _BLOB_COLUMNS)),
            r(_copy("checkpoint_writes", _WRITE_COLUMNS)),
            r(_copy("checkpoint_segments", SEGMENT_COLUMNS)),
        )
        self._segment_statements(r)
        self.select_nodes = r(
            "SELECT checkpoint_ns, checkpoint_id, parent_checkpoint_id FROM checkpoints WHERE thread_id = ?"
        )
        self.select_interrupted = r(
            "SELECT DISTINCT checkpoint_ns, checkpoint_id FROM checkpoint_writes "
            "WHERE thread_id = ? AND channel = ?"
        )
        self.delete_checkpoint = r(f"DELETE FROM checkpoints WHERE {_SCOPE} AND checkpoint_id = ?")
        self.delete_writes_of = r(
            f"DELETE FROM checkpoint_writes WHERE {_SCOPE} AND checkpoint_id = ?"
        )
        self.select_thread_refs = r(
            "SELECT checkpoint_ns, checkpoint_id, parent_checkpoint_id, blob_refs FROM checkpoints "
            "WHERE thread_id = ?"
        )
        self.select_blob_keys = r(
            "SELECT checkpoint_ns, channel, checkpoint_id, base_checkpoint_id "
            "FROM checkpoint_blobs WHERE thread_id = ?"
        )
        self.delete_blob = r(
            f"DELETE FROM checkpoint_blobs WHERE {_SCOPE} AND channel = ? AND checkpoint_id = ?"
        )

    def _segment_statements(self, r: Any) -> None:
        """Sealing and reading history segments (see ``segments``)."""
        self.select_oldest_ids = r(
            f"SELECT checkpoint_id FROM checkpoints WHERE {_SCOPE} AND checkpoint_id > ? "
            "ORDER BY checkpoint_id LIMIT ?"
        )
        self.select_segment_tail = r(f"SELECT MAX(last_id) FROM checkpoint_segments WHERE {_SCOPE}")
        self.select_checkpoint_range = r(
            f"SELECT {_unscoped(CHECKPOINT_COLUMNS)} FROM checkpoints WHERE {_IN_RANGE}"
        )
        self.select_write_range = r(
            f"SELECT {_unscoped(_WRITE_COLUMNS)} FROM checkpoint_writes WHERE {_IN_RANGE}"
        )
        self.select_blob_range = r(
            f"SELECT {_unscoped(_BLOB_COLUMNS)} FROM checkpoint_blobs WHERE {_IN_RANGE}"
        )
        self.delete_checkpoint_range = r(f"DELETE FROM checkpoints WHERE {_IN_RANGE}")
        self.delete_write_range = r(f"DELETE FROM checkpoint_writes WHERE {_IN_RANGE}")
        self.insert_segment = r(_insert("checkpoint_segments", SEGMENT_COLUMNS))
        self.select_segments_overlapping = r(
            "SELECT first_id, last_id, payload FROM checkpoint_segments "
            f"WHERE {_SCOPE} AND last_id >= ? AND first_id <= ? ORDER BY last_id"
        )
        self.select_thread_segments = r(
            "SELECT checkpoint_ns, first_id, last_id, payload FROM checkpoint_segments "
            "WHERE thread_id = ? ORDER BY checkpoint_ns, last_id"
        )
        self.select_thread_namespaces = r(
            "SELECT DISTINCT checkpoint_ns FROM checkpoints WHERE thread_id = ?"
        )
        self.delete_thread_segments = r("DELETE FROM checkpoint_segments WHERE thread_id = ?")
        self.restore_checkpoint, self.restore_blob, self.restore_write = (
            r(f"{_insert(table, columns)} ON CONFLICT DO NOTHING")
            for table, columns in (
                ("checkpoints", CHECKPOINT_COLUMNS),
                ("checkpoint_blobs", _BLOB_COLUMNS),
                ("checkpoint_writes", _WRITE_COLUMNS),
            )
        )

    def select_list_segments(
        self, configurable: Mapping[str, Any], before_id: str | None, newest_below: Any
    ) -> tuple[str, list[Any]]:
        """Build the query for the segments a ``list`` may draw rows from.

        ``newest_below``: only segments reaching this id (a key) or above are needed.
        """
        conditions: list[str] = []
        params: list[Any] = []
        for column in ("thread_id", "checkpoint_ns"):
            if configurable.get(column) is not None:
                conditions.append(f"{column} = ?")
                params.append(str(configurable[column]))
        if configurable.get("checkpoint_id") is not None:
            key = self.dialect.id_key(str(configurable["checkpoint_id"]))
            conditions.append("first_id <= ? AND last_id >= ?")
            params += [key, key]
        if before_id is not None:
            conditions.append("first_id < ?")
            params.append(self.dialect.id_key(str(before_id)))
        if newest_below is not None:
            conditions.append("last_id >= ?")
            params.append(newest_below)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        return self.dialect.render(
            f"SELECT {SEGMENT_COLUMNS} FROM checkpoint_segments{where}"
        ), params

    def select_blob_ranges(self, count: int) -> str:
        """Fetch ``count`` blobs of one (thread, ns) by ``(channel, origin)``, with their chains.

        A chain is the range of its channel's keys from its root (snapshot) to its tip,
        less the rows of other chains.  Parameters: thread, ns, the pairs.  Columns:
        channel, checkpoint_id, type, value, base_checkpoint_id, root_checkpoint_id.
        """
        pairs = ", ".join(["(?, ?)"] * count)
        return self.dialect.render(
            "SELECT b.channel, b.checkpoint_id, b.type, b.value, b.base_checkpoint_id, "
            "b.root_checkpoint_id FROM checkpoint_blobs t JOIN checkpoint_blobs b "
            "ON b.thread_id = t.thread_id AND b.checkpoint_ns = t.checkpoint_ns "
            "AND b.channel = t.channel AND b.checkpoint_id "
            "BETWEEN COALESCE(t.root_checkpoint_id, t.checkpoint_id) AND t.checkpoint_id "
            f"WHERE t.thread_id = ? AND t.checkpoint_ns = ? "
            f"AND (t.channel, t.checkpoint_id) IN (VALUES {pairs}) "
            "AND (b.checkpoint_id = t.checkpoint_id OR b.checkpoint_id = t.root_checkpoint_id "
            "OR b.root_checkpoint_id = t.root_checkpoint_id)"
        )

    def select_blob_chains(self, count: int) -> str:
        """Fetch ``count`` blobs of one (thread, ns) by ``(channel, origin)``, with their bases.

        Parameters: thread, ns, the pairs, thread, ns.  ``UNION`` stops on a looping chain.
        """
        pairs = ", ".join(["(?, ?)"] * count)
        return self.dialect.render(
            "WITH RECURSIVE chain (channel, checkpoint_id, base, type, value, root) AS ("
            "SELECT channel, checkpoint_id, base_checkpoint_id, type, value, root_checkpoint_id "
            "FROM checkpoint_blobs "
            f"WHERE {_SCOPE} AND (channel, checkpoint_id) IN (VALUES {pairs}) "
            "UNION SELECT b.channel, b.checkpoint_id, b.base_checkpoint_id, b.type, b.value, "
            "b.root_checkpoint_id FROM checkpoint_blobs b JOIN chain c "
            "ON b.channel = c.channel AND b.checkpoint_id = c.base "
            "WHERE b.thread_id = ? AND b.checkpoint_ns = ?"
            ") SELECT channel, checkpoint_id, type, value, base, root FROM chain"
        )

    def select_list(
        self,
        configurable: Mapping[str, Any],
        pairs: Sequence[tuple[str, str]],
        before_id: str | None,
        limit: int | None,
    ) -> tuple[str, list[Any]]:
        """Build the ``list`` query; every value, filter keys included, is a bound parameter."""
        conditions: list[str] = []
        params: list[Any] = []
        for column in ("thread_id", "checkpoint_ns", "checkpoint_id"):
            if configurable.get(column) is not None:
                conditions.append(f"{column} = ?")
                value = str(configurable[column])
                params.append(self.dialect.id_key(value) if column == "checkpoint_id" else value)
        for key, value_json in pairs:
            condition, condition_params = self.dialect.metadata_equals(key, value_json)
            conditions.append(condition)
            params.extend(condition_params)
        if before_id is not None:
            conditions.append("checkpoint_id < ?")
            params.append(self.dialect.id_key(str(before_id)))
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        sql = f"SELECT {CHECKPOINT_COLUMNS} FROM checkpoints{where} ORDER BY checkpoint_id DESC, thread_id, checkpoint_ns"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return self.dialect.render(sql), params


@functools.cache
def queries_for(dialect: Dialect) -> Queries:
    """Return the (cached) rendered statements for ``dialect``."""
    return Queries(dialect)
