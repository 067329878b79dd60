"""Each store operation once, as a generator of ``Query`` effects.

A plan yields a ``Query``; the driver runs it inside one transaction and sends back
the fetched rows (``None`` for ``many`` statements).  Work before the first yield
(serialising every value) runs before the transaction starts, so a bad value
writes nothing.  Plans never touch a connection: SQLite and Postgres, sync and
async, all run these.
"""

from __future__ import annotations

import heapq
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from ...errors import ErrorCode, StoreError
from .._filter import matches_filter
from ..base import (
    GetOp,
    Item,
    ListNamespacesOp,
    MatchCondition,
    PutOp,
    Result,
    SearchItem,
    SearchOp,
)
from .codec import (
    decode_namespace,
    encode_namespace,
    encode_value,
    encode_vector,
    prefix_bound,
    to_datetime,
)
from .dialect import StoreDialect
from .prepare import PreparedBatch
from .queries import Where, prefilter, queries_for
from .scoring import best_scores

__all__ = [
    "Plan",
    "Query",
    "item_at",
    "item_of",
    "one_statement_put",
    "refresh_statistics",
    "run_batch",
    "sweep",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Query:
    """One statement to run; with ``many`` the params are a list of parameter rows."""

    sql: str
    params: Sequence[Any] = ()
    many: bool = False


Plan = Generator[Query, Any, T]
Namespace = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Clock:
    """The two times of a batch: ``now`` for expiry (fake-able), ``stamp`` for items."""

    now: float
    stamp: float


def _check_storable(dialect: StoreDialect, op: PutOp) -> None:
    if dialect.allows_nul or op.value is None:
        return
    if "\x00" in op.key or any("\x00" in label for label in op.namespace):
        raise StoreError(
            f"Key {op.key!r} or namespace {op.namespace!r} holds a NUL character ('\\x00'), "
            "which PostgreSQL cannot store. Remove or replace it.",
            code=ErrorCode.STORE_BAD_NAMESPACE,
            namespace=op.namespace,
            key=op.key,
        )


def run_batch(dialect: StoreDialect, batch: PreparedBatch, clock: Clock) -> Plan[list[Result]]:
    """Apply ``batch`` and return one result per op.

    As in LangGraph's stores, every read sees the store as it was before the batch; the puts
    are applied after the reads, in op order.
    """
    texts: dict[int, str] = {}
    for position, op in enumerate(batch.ops):
        if isinstance(op, PutOp) and op.value is not None:
            _check_storable(dialect, op)
            texts[position] = encode_value(
                op.namespace, op.key, op.value, allows_nul=dialect.allows_nul
            )
    results: list[Result] = [None] * len(batch.ops)
    for position, op in enumerate(batch.ops):
        if isinstance(op, GetOp):
            results[position] = yield from _get(dialect, op, clock.now)
        elif isinstance(op, SearchOp):
            query = batch.queries.get(op.query) if op.query else None
            results[position] = yield from _search(dialect, op, query, clock.now)
        elif not isinstance(op, PutOp):
            results[position] = yield from _list_namespaces(dialect, op, clock.now)
    for position, op in enumerate(batch.ops):
        if isinstance(op, PutOp):
            yield from _put(
                dialect, op, texts.get(position), batch.vectors.get(position, ()), clock
            )
    return results


def one_statement_put(dialect: StoreDialect, op: PutOp, clock: Clock) -> Query | None:
    """The one statement of a checked put that writes a value and no vectors, if the
    dialect has one (``clears_in_upsert``); else None.  Same SQL as ``run_batch``.

    Raises before any I/O, as ``run_batch`` does, if the value cannot be stored.
    """
    if not dialect.clears_in_upsert or op.value is None:
        return None
    _check_storable(dialect, op)
    text = encode_value(op.namespace, op.key, op.value, allows_nul=dialect.allows_nul)
    (query,) = _put(dialect, op, text, (), clock)
    return query


def _put(
    dialect: StoreDialect, op: PutOp, text: str | None, vectors: Sequence[Any], clock: Clock
) -> Plan[None]:
    q = queries_for(dialect)
    prefix = encode_namespace(op.namespace)
    expires = None if text is None or op.ttl is None else clock.now + op.ttl * 60
    row = (prefix, op.key, text, clock.stamp, clock.stamp, expires, op.ttl, clock.now)
    if text is not None and dialect.clears_in_upsert:
        params = row if dialect.clears_by_trigger else (prefix, op.key, *row)
        yield Query(q.clear_and_upsert_item, params)
    else:
        yield Query(q.delete_vectors, (prefix, op.key))
        if text is None:
            yield Query(q.delete_item, (prefix, op.key))
            return
        yield Query(q.upsert_item, row)
    if vectors:
        rows = [(prefix, op.key, i, encode_vector(v)) for i, v in enumerate(vectors)]
        yield Query(q.insert_vector, rows, many=True)


def _get(dialect: StoreDialect, op: GetOp, now: float) -> Plan[Item | None]:
    q = queries_for(dialect)
    prefix = encode_namespace(op.namespace)
    rows = yield Query(q.select_item, (prefix, op.key, now))
    if not rows:
        return None
    if op.refresh_ttl and rows[0][3] is not None:
        yield Query(q.refresh_ttl, (now, prefix, op.key))
    return item_of(dialect, op, rows[0])


def item_of(dialect: StoreDialect, op: GetOp, row: Sequence[Any]) -> Item:
    """The item a ``select_item`` row (value, created, updated, ttl) holds for ``op``."""
    return item_at(dialect, op.namespace, op.key, row)


def item_at(
    dialect: StoreDialect, namespace: tuple[str, ...], key: str, row: Sequence[Any]
) -> Item:
    """The item a ``select_item`` row holds at ``namespace``/``key``.

    why: an item never updated has one timestamp; it is converted once (the hottest read).
    """
    item = _new_item(Item)  # why: Item._of inlined, as is to_datetime
    item.value = dialect.load_json(row[0])
    item.key = key
    item.namespace = namespace
    created_at, updated_at = row[1], row[2]
    item.created_at = _from_epoch(created_at, UTC)
    item.updated_at = item.created_at if updated_at == created_at else _from_epoch(updated_at, UTC)
    return item


def _rank(score: float | None) -> tuple[int, float]:
    """Sort key: scored items by descending score, then unscored ones (stable order)."""
    return (1, 0.0) if score is None else (0, -score)


_new_item = object.__new__
_from_epoch = datetime.fromtimestamp

# A prefix holding at least this many rows is "broad" (see StoreDialect.probes_prefix).
BROAD_PREFIX_ROWS = 256


def _candidates_where(dialect: StoreDialect, op: SearchOp, now: float) -> Plan[tuple[Where, bool]]:
    """Return the WHERE clause of a search and whether it matches exactly ``op.filter``."""
    column = "prefix"
    if dialect.probes_prefix and op.namespace_prefix:
        low = encode_namespace(op.namespace_prefix)
        rows = yield Query(
            queries_for(dialect).count_under, (low, prefix_bound(low), BROAD_PREFIX_ROWS)
        )
        if rows[0][0] >= BROAD_PREFIX_ROWS:
            column = dialect.without_index("prefix")
    where = Where().live(now).under(op.namespace_prefix, column)
    exact = prefilter(dialect, op.filter, where)
    return where, exact


def _search(
    dialect: StoreDialect, op: SearchOp, query: Sequence[float] | None, now: float
) -> Plan[list[SearchItem]]:
    q = queries_for(dialect)
    where, exact = yield from _candidates_where(dialect, op, now)
    if query is not None and exact:
        return (yield from _ranked_search(dialect, op, query, where, now))
    paged_in_sql = exact and query is None
    page = (op.limit, op.offset) if paged_in_sql else None
    # With a query and no filter, values are fetched for the final page only.
    with_value = query is None or bool(op.filter)
    sql, params = q.select_candidates(where, with_value=with_value, page=page)
    rows = [list(row) for row in (yield Query(sql, params))]
    if with_value:
        for row in rows:
            row[2] = dialect.load_json(row[2])
    if op.filter:
        rows = [row for row in rows if matches_filter(row[2], op.filter)]
    scores: dict[tuple[str, str], float] | None = None
    if query is not None:
        vector_sql, vector_params = q.select_vectors(Where().under(op.namespace_prefix))
        scores = best_scores(query, (yield Query(vector_sql, vector_params)))
        rows.sort(key=lambda row: _rank(scores.get((row[0], row[1]))))  # type: ignore[union-attr]
    if not paged_in_sql:
        rows = rows[op.offset : op.offset + op.limit]
    if not with_value and rows:
        yield from _fill_values(dialect, rows)
    refresh = [(now, row[0], row[1]) for row in rows if op.refresh_ttl and row[5] is not None]
    if refresh:
        yield Query(q.refresh_ttl, refresh, many=True)
    return [_search_item(row, scores) for row in rows]


def _ranked_search(
    dialect: StoreDialect, op: SearchOp, query: Sequence[float], where: Where, now: float
) -> Plan[list[SearchItem]]:
    """Semantic search whose filter SQL decides exactly: rank vectors, then load one page.

    Scored items come first (best score first), then unindexed ones, newest first.
    """
    q = queries_for(dialect)
    wanted = op.offset + op.limit
    sql, params = q.select_item_vectors(where)
    scores = best_scores(query, (yield Query(sql, params)))
    ranked = heapq.nlargest(wanted, scores, key=scores.__getitem__)
    if len(ranked) < wanted:
        sql, params = q.select_unindexed(where, wanted - len(ranked))
        ranked += [(row[0], row[1]) for row in (yield Query(sql, params))]
    page = ranked[op.offset :]
    if not page:
        return []
    pairs = [value for item in page for value in item]
    fetched = {
        (row[0], row[1]): list(row) for row in (yield Query(q.select_rows(len(page)), pairs))
    }
    rows = [fetched[item] for item in page if item in fetched]
    for row in rows:
        row[2] = dialect.load_json(row[2])
    refresh = [(now, row[0], row[1]) for row in rows if op.refresh_ttl and row[5] is not None]
    if refresh:
        yield Query(q.refresh_ttl, refresh, many=True)
    return [_search_item(row, scores) for row in rows]


def _fill_values(dialect: StoreDialect, rows: list[list[Any]]) -> Plan[None]:
    """Fetch and decode the values of candidate ``rows`` (prefix, key, None, ...) in place."""
    pairs = [value for row in rows for value in (row[0], row[1])]
    fetched = yield Query(queries_for(dialect).select_values(len(rows)), pairs)
    values = {(prefix, key): value for prefix, key, value in fetched}
    # why: under READ COMMITTED another writer may delete an item between the two reads
    rows[:] = [row for row in rows if (row[0], row[1]) in values]
    for row in rows:
        row[2] = dialect.load_json(values[(row[0], row[1])])


def _search_item(row: Sequence[Any], scores: dict[tuple[str, str], float] | None) -> SearchItem:
    prefix, key, value, created_at, updated_at, _ = row
    score = None if scores is None else scores.get((prefix, key))
    return SearchItem._scored(
        value,
        key,
        decode_namespace(prefix),
        to_datetime(created_at),
        to_datetime(updated_at),
        score,
    )


def _matches(namespace: Namespace, condition: MatchCondition) -> bool:
    path = condition.path
    if len(path) > len(namespace):
        return False
    labels = namespace[: len(path)] if condition.match_type == "prefix" else namespace[-len(path) :]
    return all(want in ("*", label) for want, label in zip(path, labels, strict=False))


def _list_namespaces(
    dialect: StoreDialect, op: ListNamespacesOp, now: float
) -> Plan[list[Namespace]]:
    conditions = op.match_conditions or ()
    where = Where().live(now)
    for condition in conditions:
        if condition.match_type == "prefix":
            lead = condition.path
            if "*" in lead:
                lead = lead[: lead.index("*")]
            where.under(lead)
    simple = op.max_depth is None and all(
        condition.match_type == "prefix" and "*" not in condition.path for condition in conditions
    )
    sql, params = queries_for(dialect).select_namespaces(
        where, (op.limit, op.offset) if simple else None
    )
    namespaces = [decode_namespace(row[0]) for row in (yield Query(sql, params))]
    if simple:
        return namespaces
    kept = {
        namespace[: op.max_depth] if op.max_depth else namespace
        for namespace in namespaces
        if all(_matches(namespace, condition) for condition in conditions)
    }
    return sorted(kept)[op.offset : op.offset + op.limit]


def refresh_statistics(dialect: StoreDialect, then: Plan[T]) -> Plan[T]:
    """Run ``ANALYZE store`` if the dialect's statistics check says so, then ``then``."""
    if dialect.stale_statistics is not None:
        rows = yield Query(dialect.stale_statistics)
        if rows and rows[0][0]:
            yield Query("ANALYZE store")
    return (yield from then)


def sweep(dialect: StoreDialect, now: float) -> Plan[int]:
    """Delete every item expired at ``now`` (and its vectors); return how many."""
    q = queries_for(dialect)
    yield Query(q.sweep_vectors, (now,))
    return len((yield Query(q.sweep_items, (now,))))
