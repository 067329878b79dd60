"""SQL text of the store operations, written once with ``?`` placeholders.

Fixed statements are rendered per dialect in ``Queries``; builders cover the
statements whose shape depends on the op (search, list).  Namespaces, keys, JSON
paths and filter operands are always bound parameters; the only identifiers are
the fixed table and column names below.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .codec import encode_namespace, prefix_bound
from .dialect import StoreDialect

__all__ = ["Queries", "Where", "queries_for"]

_LIVE = "(expires_at IS NULL OR expires_at > ?)"
_ITEM = "prefix = ? AND key = ?"


class Where:
    """A growing ``WHERE`` clause and its parameters."""

    def __init__(self) -> None:
        self.conditions: list[str] = []
        self.params: list[Any] = []

    def add(self, condition: str, *params: Any) -> None:
        self.conditions.append(condition)
        self.params.extend(params)

    def live(self, now: float) -> Where:
        self.add(_LIVE, now)
        return self

    def under(self, namespace_prefix: Sequence[str], column: str = "prefix") -> Where:
        """Keep namespaces that start with the labels of ``namespace_prefix``."""
        if namespace_prefix:
            low = encode_namespace(namespace_prefix)
            self.add(f"{column} >= ? AND {column} < ?", low, prefix_bound(low))
        return self

    def sql(self, *extra: str) -> str:
        conditions = [*self.conditions, *extra]
        return f" WHERE {' AND '.join(conditions)}" if conditions else ""


def _equal_operands(condition: Any) -> list[str] | None:
    """Return the str operands a condition needs equality with, if it is that simple."""
    if isinstance(condition, str):
        return [condition]
    if isinstance(condition, Mapping) and len(condition) == 1:
        ((op, operand),) = condition.items()
        if op == "$eq" and isinstance(operand, str):
            return [operand]
        if op == "$in" and operand and all(isinstance(item, str) for item in operand):
            return list(operand)
    return None


def prefilter(dialect: StoreDialect, filter: Mapping[str, Any] | None, where: Where) -> bool:
    """Add SQL conditions that keep every row ``filter`` matches; True if exactly those.

    Only string equality and ``$in`` of strings are pushed down; the caller still
    applies ``_filter.matches_filter`` to the rows.  A key is looked up as a literal
    top-level key or as a dotted path, so a dotted key tries both (not exact).
    """
    exact = True
    for key, condition in (filter or {}).items():
        operands = _equal_operands(condition)
        paths = [[key], key.split(".")] if "." in key else [[key]]
        bound = [dialect.json_path(parts) for parts in paths]
        if operands is None or any(path is None for path in bound):
            exact = False
            continue
        marks = ", ".join("?" * len(operands))
        if len(bound) == 1:
            sql = f"({dialect.text_at()} IN ({marks}) AND {dialect.is_string_at()})"
            where.add(sql, bound[0], *operands, bound[0])
            continue
        exact = False
        clause = " OR ".join(f"{dialect.text_at()} IN ({marks})" for _ in bound)
        where.add(f"({clause})", *[v for path in bound for v in (path, *operands)])
    return exact


class Queries:
    """The fixed statements of the store, rendered for one dialect."""

    def __init__(self, dialect: StoreDialect) -> None:
        self.dialect = dialect
        r = dialect.render
        self.select_item = r(
            f"SELECT value, created_at, updated_at, ttl_minutes FROM store WHERE {_ITEM} AND {_LIVE}"
        )
        # An expired row being overwritten starts a new item: it gets a new created_at.
        upsert = (
            "INSERT INTO store (prefix, key, value, created_at, updated_at, expires_at, "
            "ttl_minutes) VALUES (?, ?, {json_param}, ?, ?, ?, ?) ON CONFLICT (prefix, key) "
            "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, "
            "created_at = CASE WHEN store.expires_at IS NOT NULL AND store.expires_at <= ? "
            "THEN excluded.created_at ELSE store.created_at END, "
            "expires_at = excluded.expires_at, ttl_minutes = excluded.ttl_minutes"
        )
        self.upsert_item = r(upsert)
        # params: (prefix, key, *upsert row) for the CTE; the upsert row alone by trigger
        self.clear_and_upsert_item = (
            self.upsert_item
            if dialect.clears_by_trigger
            else r(f"WITH cleared AS (DELETE FROM store_vectors WHERE {_ITEM}) {upsert}")
        )
        self.delete_item = r(f"DELETE FROM store WHERE {_ITEM}")
        self.delete_vectors = r(f"DELETE FROM store_vectors WHERE {_ITEM}")
        self.insert_vector = r(
            "INSERT INTO store_vectors (prefix, key, idx, embedding) VALUES (?, ?, ?, ?)"
        )
        self.refresh_ttl = r(
            "UPDATE store SET expires_at = ? + ttl_minutes * 60 "
            f"WHERE {_ITEM} AND ttl_minutes IS NOT NULL"
        )
        self.sweep_vectors = r(
            "DELETE FROM store_vectors WHERE (prefix, key) IN "
            "(SELECT prefix, key FROM store WHERE expires_at <= ?)"
        )
        self.sweep_items = r("DELETE FROM store WHERE expires_at <= ? RETURNING key")
        self.count_under = r(
            "SELECT COUNT(*) FROM (SELECT 1 FROM store WHERE prefix >= ? AND prefix < ? LIMIT ?) AS probe"
        )

    def select_candidates(self, where: Where, *, with_value: bool, page: tuple[int, int] | None):
        """Rows (prefix, key, value|NULL, created, updated, ttl) newest first."""
        value = "value" if with_value else "NULL"
        sql = (
            f"SELECT prefix, key, {value}, created_at, updated_at, ttl_minutes FROM store"
            f"{where.sql()} ORDER BY updated_at DESC, prefix DESC, key DESC"
        )
        params = list(where.params)
        if page is not None:
            sql += " LIMIT ? OFFSET ?"
            params.extend(page)
        return self.dialect.render(sql), params

    def select_vectors(self, where: Where) -> tuple[str, list[Any]]:
        """Rows (prefix, key, embedding) of every vector under a namespace prefix."""
        return self.dialect.render(
            f"SELECT prefix, key, embedding FROM store_vectors{where.sql()}"
        ), list(where.params)

    def select_item_vectors(self, where: Where) -> tuple[str, list[Any]]:
        """Rows (prefix, key, embedding) of the vectors of the items ``where`` selects."""
        sql = (
            "SELECT prefix, key, embedding FROM store_vectors WHERE (prefix, key) IN "
            f"(SELECT prefix, key FROM store{where.sql()})"
        )
        return self.dialect.render(sql), list(where.params)

    def select_unindexed(self, where: Where, limit: int) -> tuple[str, list[Any]]:
        """Rows (prefix, key) of up to ``limit`` items without vectors, newest first."""
        no_vectors = (
            "NOT EXISTS (SELECT 1 FROM store_vectors v "
            "WHERE v.prefix = store.prefix AND v.key = store.key)"
        )
        sql = (
            f"SELECT prefix, key FROM store{where.sql(no_vectors)} "
            "ORDER BY updated_at DESC, prefix DESC, key DESC LIMIT ?"
        )
        return self.dialect.render(sql), [*where.params, limit]

    def select_rows(self, count: int) -> str:
        """Candidate rows (prefix, key, value, created, updated, ttl) of ``count`` pairs."""
        pairs = ", ".join(["(?, ?)"] * count)
        return self.dialect.render(
            "SELECT prefix, key, value, created_at, updated_at, ttl_minutes FROM store "
            f"WHERE (prefix, key) IN (VALUES {pairs})"
        )

    def select_values(self, count: int) -> str:
        """Rows (prefix, key, value) for ``count`` (prefix, key) pairs."""
        pairs = ", ".join(["(?, ?)"] * count)
        return self.dialect.render(
            f"SELECT prefix, key, value FROM store WHERE (prefix, key) IN (VALUES {pairs})"
        )

    def select_namespaces(self, where: Where, page: tuple[int, int] | None):
        """Distinct stored namespaces (encoded) in tuple order."""
        sql = f"SELECT DISTINCT prefix FROM store{where.sql()} ORDER BY prefix"
        params = list(where.params)
        if page is not None:
            sql += " LIMIT ? OFFSET ?"
            params.extend(page)
        return self.dialect.render(sql), params


_RENDERED: dict[int, Queries] = {}


def queries_for(dialect: StoreDialect) -> Queries:
    """Return the (cached) rendered statements for ``dialect``."""
    # why: keyed by identity; hashing the frozen dialect hashes every field, on each op
    queries = _RENDERED.get(id(dialect))
    if queries is None or queries.dialect is not dialect:
        queries = _RENDERED[id(dialect)] = Queries(dialect)
    return queries
