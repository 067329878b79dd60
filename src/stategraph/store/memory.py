"""``InMemoryStore``: the dict-backed reference store, with vector search and TTL.

Each ``batch`` is planned (checked, texts collected), embedded once, then applied
in op order under one lock, so a batch either fails before writing or applies whole.
"""

# why: over the 400-line target: the fast paths (get/put/search without planning) sit
# beside the batch path they must agree with, so a reader sees both at once.

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..errors import ErrorCode, StoreError
from ._embed import Embedder, EmbedRequest, ensure_embedder
from ._filter import check_filter, matches_filter
from ._memory_records import ATOMS, Record, copy_json, rank_page, search_item
from ._paths import get_text_at_path
from ._validate import (
    as_namespace,
    check_index_config,
    check_max_depth,
    check_page,
    check_put_op,
    validate_namespace,
)
from ._vector import Vector, normalize
from .base import (
    NOT_PROVIDED,
    BaseStore,
    GetOp,
    IndexConfig,
    Item,
    ListNamespacesOp,
    MatchCondition,
    NotProvided,
    Op,
    PutOp,
    Result,
    SearchItem,
    SearchOp,
    TTLConfig,
)

__all__ = ["InMemoryStore"]

Namespace = tuple[str, ...]
_new_object = object.__new__
_utc_now = datetime.now


@dataclass
class _Plan:
    """A checked batch: its ops, the texts each put embeds, and what to embed."""

    ops: list[Op]
    put_texts: dict[int, list[str]] = field(default_factory=dict)  # op position -> texts
    request: EmbedRequest = field(default_factory=EmbedRequest)
    # op position -> unit vectors, filled after embedding
    vectors: dict[int, tuple[Vector, ...]] = field(default_factory=dict)


def _matches_namespace(namespace: Namespace, condition: MatchCondition) -> bool:
    path = condition.path
    if len(path) > len(namespace):
        return False
    labels = namespace[: len(path)] if condition.match_type == "prefix" else namespace[-len(path) :]
    return all(want in ("*", label) for want, label in zip(path, labels, strict=False))


class InMemoryStore(BaseStore):
    """A thread-safe store kept in process memory, for development and tests.

    Pass ``index`` to enable semantic search and ``ttl`` for expiry (our extension:
    LangGraph's InMemoryStore has no TTL, so without ``ttl`` a ``put(ttl=...)`` raises
    NotImplementedError there and here); ``sweep_ttl()`` drops expired items.

    Examples:
        >>> from stategraph.store.memory import InMemoryStore
        >>> store = InMemoryStore()
        >>> store.put(("users", "u1"), "prefs", {"color": "blue", "lang": "en"})
        >>> store.put(("users", "u2"), "prefs", {"color": "red", "lang": "en"})
        >>> store.get(("users", "u1"), "prefs").value
        {'color': 'blue', 'lang': 'en'}
        >>> [item.namespace for item in store.search(("users",), filter={"color": "red"})]
        [('users', 'u2')]
        >>> store.list_namespaces(prefix=("users",))
        [('users', 'u1'), ('users', 'u2')]
        >>> store.delete(("users", "u1"), "prefs")
        >>> print(store.get(("users", "u1"), "prefs"))
        None
    """

    supports_ttl = False  # per instance: True when built with a ttl config

    def __init__(self, *, index: IndexConfig | None = None, ttl: TTLConfig | None = None) -> None:
        self.index_config: IndexConfig | None = check_index_config(index) if index else None
        self.embeddings: Embedder | None = (
            ensure_embedder(self.index_config["embed"]) if self.index_config else None
        )
        self.ttl_config = ttl
        self.supports_ttl = ttl is not None
        # Invariant: no namespace maps to an empty dict; dict order is insertion order.
        self._data: dict[Namespace, dict[str, Record]] = {}
        self._lock = threading.RLock()
        self._clock: Callable[[], float] = time.time  # why: tests substitute a fake clock

    # -- fast paths: the friendly methods skip planning when there is nothing to plan -----
    # They give exactly the batch path's results; anything unusual (TTL, embedding, a
    # missing item, odd argument types) takes the batch path.  Without embedding,
    # ``batch`` and ``abatch`` do the same work, so the async forms reuse the sync ones.

    def get(self, namespace: Namespace, key: str, *, refresh_ttl: bool | None = None):
        """Return the item at ``namespace``/``key``, or None."""
        try:
            records = self._data.get(namespace)
        except TypeError:  # unhashable: not a valid namespace, let the checks say so
            records = None
        # A hit proves the namespace valid: it equals a stored (validated) one.
        # why no lock: dict reads are atomic and a TTL-free record is never edited in place
        # (puts replace records), so an unlocked read sees a whole record or none.
        record = records.get(key) if records is not None and type(key) is str else None
        if record is None or record.expires_at is not None:
            return super().get(namespace, key, refresh_ttl=refresh_ttl)
        item = _new_object(Item)  # why: Item._of inlined, this is the hottest read
        item.value = record.value.copy() if record.flat else copy_json(record.value)
        item.key = key
        item.namespace = namespace
        item.created_at = record.created_at
        item.updated_at = record.updated_at
        return item

    async def aget(self, namespace: Namespace, key: str, *, refresh_ttl: bool | None = None):
        """Async ``get`` (a get never embeds, so it is the sync one)."""
        return self.get(namespace, key, refresh_ttl=refresh_ttl)

    def put(
        self,
        namespace: Namespace,
        key: str,
        value: dict[str, Any],
        index: Any = None,
        *,
        ttl: float | None | NotProvided = NOT_PROVIDED,
    ) -> None:
        """Store ``value`` at ``namespace``/``key``; ``ttl`` in minutes (default from config)."""
        if ttl is NOT_PROVIDED:
            ttl = None if self.ttl_config is None else self.ttl_config.get("default_ttl")
        if (
            ttl is not None
            or type(value) is not dict
            or type(key) is not str
            or (index is not False and (index is not None or self.index_config is not None))
        ):
            self.batch([self._put_op(namespace, key, value, index, ttl)])
            return
        if type(namespace) is not tuple or namespace not in self._data:
            # a stored namespace is valid: only new ones need the checks
            namespace = validate_namespace(namespace)  # raises as _put_op would
        flat = ATOMS.issuperset(map(type, value.values()))
        copied = value.copy() if flat else copy_json(value)
        stamp = _utc_now(UTC)
        with self._lock:
            records = self._data.get(namespace)
            if records is None:
                records = self._data[namespace] = {}
            previous = records.get(key)
            created = stamp
            if previous is not None and not (
                previous.expires_at is not None and previous.is_expired(self._clock())
            ):
                created = previous.created_at
            records[key] = Record(copied, created, stamp, (), None, None, flat)

    async def aput(
        self,
        namespace: Namespace,
        key: str,
        value: dict[str, Any],
        index: Any = None,
        *,
        ttl: float | None | NotProvided = NOT_PROVIDED,
    ) -> None:
        """Async ``put``."""
        if index is False or self.index_config is None:
            self.put(namespace, key, value, index, ttl=ttl)
        else:
            await super().aput(namespace, key, value, index, ttl=ttl)

    def search(
        self,
        namespace_prefix: Namespace,
        /,
        *,
        query: str | None = None,
        filter: dict[str, Any] | None = None,
        limit: int = 10,
        offset: int = 0,
        refresh_ttl: bool | None = None,
    ) -> list[SearchItem]:
        """Return items under ``namespace_prefix``, filtered, ranked by ``query`` if given."""
        op = self._search_op(namespace_prefix, query, filter, (limit, offset), refresh_ttl)
        if query is not None and self.index_config is not None:
            return self.batch([op])[0]  # type: ignore[return-value]
        with self._lock:
            return self._search(op, None, self._clock())

    async def asearch(
        self,
        namespace_prefix: Namespace,
        /,
        *,
        query: str | None = None,
        filter: dict[str, Any] | None = None,
        limit: int = 10,
        offset: int = 0,
        refresh_ttl: bool | None = None,
    ) -> list[SearchItem]:
        """Async ``search``."""
        if query is not None and self.index_config is not None:
            op = self._search_op(namespace_prefix, query, filter, (limit, offset), refresh_ttl)
            return (await self.abatch([op]))[0]  # type: ignore[return-value]
        return self.search(
            namespace_prefix,
            filter=filter,
            limit=limit,
            offset=offset,
            refresh_ttl=refresh_ttl,
            query=query,
        )

    # -- batch: plan, embed (the only sync/async difference), apply --------------------

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        """Run ``ops`` (reads first, then the puts); return one result per op."""
        plan = self._plan(ops)
        if plan.request and self.embeddings is not None:
            self.embeddings.fill(plan.request)
        return self._apply(plan)

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        """Async form of ``batch``; embedding runs without blocking the loop."""
        plan = self._plan(ops)
        if plan.request and self.embeddings is not None:
            await self.embeddings.afill(plan.request)
        return self._apply(plan)

    def sweep_ttl(self) -> int:
        """Delete every expired item now and return how many were removed."""
        with self._lock:
            now = self._clock()
            expired = [
                (namespace, key)
                for namespace, records in self._data.items()
                for key, record in records.items()
                if record.is_expired(now)
            ]
            for namespace, key in expired:
                self._remove(namespace, key)
        return len(expired)

    # -- planning ------------------------------------------------------------------

    def _plan(self, ops: Iterable[Op]) -> _Plan:
        plan = _Plan(ops=[])
        for position, op in enumerate(ops):
            plan.ops.append(self._check_op(op))
            self._collect_texts(plan, position)
        return plan

    def _check_op(self, op: Op) -> Op:
        if isinstance(op, PutOp):
            return check_put_op(op)
        if isinstance(op, GetOp):
            return op._replace(namespace=as_namespace(op.namespace), key=str(op.key))
        if isinstance(op, SearchOp):
            check_filter(op.filter)
            check_page(op.limit, op.offset)
            return op._replace(namespace_prefix=as_namespace(op.namespace_prefix))
        if isinstance(op, ListNamespacesOp):
            check_max_depth(op.max_depth)
            check_page(op.limit, op.offset)
            return op
        raise StoreError(
            f"Unknown store op {op!r}: use GetOp, SearchOp, PutOp or ListNamespacesOp.",
            code=ErrorCode.STORE_BAD_VALUE,
        )

    def _collect_texts(self, plan: _Plan, position: int) -> None:
        op = plan.ops[position]
        if self.index_config is None:
            return
        if isinstance(op, SearchOp) and op.query:
            plan.request.queries.setdefault(op.query, None)
        if isinstance(op, PutOp) and op.value is not None and op.index is not False:
            fields = op.index if op.index is not None else self.index_config["fields"] or ["$"]
            texts = [text for path in fields for text in get_text_at_path(op.value, path)]
            plan.put_texts[position] = texts
            for text in texts:
                plan.request.documents.setdefault(text, None)

    def _unit_vector(self, raw: Any, where: str) -> Vector:
        dims = self.index_config["dims"] if self.index_config else 0
        vector = list(raw) if isinstance(raw, Iterable) and not isinstance(raw, str) else None
        if vector is None or len(vector) != dims:
            size = type(raw).__name__ if vector is None else f"{len(vector)} dimensions"
            raise StoreError(
                f"Embedding for {where} has {size} but the index expects {dims} "
                "dimensions. Set IndexConfig dims to your model's output size.",
                code=ErrorCode.STORE_EMBEDDING,
            )
        return normalize(vector)

    def _attach_vectors(self, plan: _Plan) -> dict[str, Vector]:
        """Check dimensions of every new vector (naming its item); return query vectors."""
        for position, texts in plan.put_texts.items():
            op = plan.ops[position]
            where = f"item {op.key!r} in namespace {op.namespace!r}"  # type: ignore[union-attr]
            plan.vectors[position] = tuple(
                self._unit_vector(plan.request.documents[text], where) for text in texts
            )
        return {
            query: self._unit_vector(raw, f"search query {query!r}")
            for query, raw in plan.request.queries.items()
        }

    # -- applying ------------------------------------------------------------------

    def _apply(self, plan: _Plan) -> list[Result]:
        queries = self._attach_vectors(plan)
        results: list[Result] = []
        # As in LangGraph's stores, reads see the store as it was before the batch; the puts
        # are applied after them, in op order.
        with self._lock:
            now = self._clock()
            for op in plan.ops:
                if isinstance(op, PutOp):
                    results.append(None)
                elif isinstance(op, GetOp):
                    results.append(self._get(op, now))
                elif isinstance(op, SearchOp):
                    results.append(self._search(op, queries.get(op.query or ""), now))
                else:
                    results.append(self._list_namespaces(op, now))  # type: ignore[arg-type]
            for position, op in enumerate(plan.ops):
                if isinstance(op, PutOp):
                    self._put(op, plan.vectors.get(position, ()), now)
        return results

    def _remove(self, namespace: Namespace, key: str) -> None:
        records = self._data.get(namespace)
        if records is not None and records.pop(key, None) is not None and not records:
            del self._data[namespace]

    def _put(self, op: PutOp, vectors: tuple[Vector, ...], now: float) -> None:
        if op.value is None:
            self._remove(op.namespace, op.key)
            return
        stamp = datetime.now(UTC)
        previous = self._data.get(op.namespace, {}).get(op.key)
        if previous is not None and previous.is_expired(now):
            previous = None
        value = copy_json(op.value)
        self._data.setdefault(op.namespace, {})[op.key] = Record(
            value=value,
            created_at=previous.created_at if previous else stamp,
            updated_at=stamp,
            vectors=vectors,
            ttl_minutes=op.ttl,
            expires_at=None if op.ttl is None else now + op.ttl * 60,
            flat=type(value) is dict and ATOMS.issuperset(map(type, value.values())),
        )

    def _live(self, namespace: Namespace, key: str, record: Record, refresh: bool, now: float):
        """Return ``record`` unless expired (then drop it); extend its TTL if asked."""
        if record.is_expired(now):
            self._remove(namespace, key)
            return None
        if refresh and record.ttl_minutes is not None:
            record.expires_at = now + record.ttl_minutes * 60
        return record

    def _get(self, op: GetOp, now: float) -> Item | None:
        record = self._data.get(op.namespace, {}).get(op.key)
        if record is None or not self._live(op.namespace, op.key, record, op.refresh_ttl, now):
            return None
        return Item._of(
            record.copied_value(), op.key, op.namespace, record.created_at, record.updated_at
        )

    def _candidates(self, op: SearchOp, now: float) -> Iterator[tuple[Namespace, str, Record]]:
        prefix, filter = op.namespace_prefix, op.filter
        depth = len(prefix)
        expired = []
        for namespace, records in self._data.items():
            if namespace[:depth] != prefix:
                continue
            for key, record in records.items():
                if record.expires_at is not None and record.expires_at <= now:
                    expired.append((namespace, key))
                elif not filter or matches_filter(record.value, filter):
                    yield namespace, key, record
        for namespace, key in expired:
            self._remove(namespace, key)

    def _search(self, op: SearchOp, query: Vector | None, now: float) -> list[SearchItem]:
        end = op.offset + op.limit
        if query is None:
            # no ranking: stop after the requested page instead of filtering every item
            page = itertools.islice(self._candidates(op, now), op.offset, end)
            scored = [(found, None) for found in page]
        else:
            scored = rank_page(query, list(self._candidates(op, now)), op.offset, end)
        items = []
        for (namespace, key, record), score in scored:
            if record.ttl_minutes is not None:
                self._live(namespace, key, record, op.refresh_ttl, now)
            items.append(search_item(namespace, key, record, score))
        return items

    def _list_namespaces(self, op: ListNamespacesOp, now: float) -> list[Namespace]:
        live = [
            namespace
            for namespace, records in self._data.items()
            if any(not record.is_expired(now) for record in records.values())
        ]
        conditions = op.match_conditions or ()
        kept = {
            namespace[: op.max_depth] if op.max_depth else namespace
            for namespace in live
            if all(_matches_namespace(namespace, condition) for condition in conditions)
        }
        return sorted(kept)[op.offset : op.offset + op.limit]
