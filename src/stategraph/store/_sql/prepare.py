"""Check a batch of store ops and gather what it needs embedded, before any I/O.

The SQL stores run ``prepare`` (pure), then embed ``batch.request`` once (the only
sync/async difference), then ``attach_vectors``; only then does a transaction start,
so bad input or a failing embedder leaves the database untouched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ...errors import ErrorCode, StoreError
from .._embed import EmbedRequest
from .._filter import check_filter
from .._paths import get_text_at_path
from .._validate import as_namespace, check_max_depth, check_page, check_put_op
from .._vector import Vector, normalize
from ..base import GetOp, IndexConfig, ListNamespacesOp, Op, PutOp, SearchOp

__all__ = ["PreparedBatch", "attach_vectors", "prepare"]


@dataclass
class PreparedBatch:
    """A checked batch: its ops, the texts each put embeds, and (later) the vectors."""

    ops: list[Op]
    put_texts: dict[int, list[str]] = field(default_factory=dict)  # op position -> texts
    request: EmbedRequest = field(default_factory=EmbedRequest)
    # filled by attach_vectors: op position -> unit vectors; query text -> unit vector
    vectors: dict[int, tuple[Vector, ...]] = field(default_factory=dict)
    queries: dict[str, Vector] = field(default_factory=dict)

    def needs_transaction(self, *, one_statement_put: bool, snapshot_reads: bool = True) -> bool:
        """False when each op is atomic alone: gets only, or one put that is one statement.

        Without ``snapshot_reads`` (the database gives each statement its own snapshot
        even inside a transaction, as Postgres' READ COMMITTED does) a batch of reads
        gains nothing from one either.  Call after ``attach_vectors``: a put with
        vectors takes several statements.
        """
        if all(isinstance(op, GetOp) for op in self.ops):
            return False
        if not snapshot_reads and not any(isinstance(op, PutOp) for op in self.ops):
            return False
        lone_put = len(self.ops) == 1 and isinstance(self.ops[0], PutOp)
        value = lone_put and self.ops[0].value is not None  # type: ignore[union-attr]
        return not (value and one_statement_put and not self.vectors.get(0))

    @property
    def writes(self) -> bool:
        """True if running the batch may write (a put, or a read that refreshes TTLs)."""
        return any(
            isinstance(op, PutOp) or (isinstance(op, (GetOp, SearchOp)) and op.refresh_ttl)
            for op in self.ops
        )


def check_op(op: Any) -> Op:
    """Return ``op`` checked and normalised (tuple namespaces, str keys)."""
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


def prepare(ops: Iterable[Op], index: IndexConfig | None) -> PreparedBatch:
    """Check every op and collect the distinct texts to embed (none without an index)."""
    batch = PreparedBatch(ops=[check_op(op) for op in ops])
    if index is None:
        return batch
    default_fields = index.get("fields") or ["$"]
    for position, op in enumerate(batch.ops):
        if isinstance(op, SearchOp) and op.query:
            batch.request.queries.setdefault(op.query, None)
        elif isinstance(op, PutOp) and op.value is not None and op.index is not False:
            fields = op.index if op.index is not None else default_fields
            texts = [text for path in fields for text in get_text_at_path(op.value, path)]
            batch.put_texts[position] = texts
            for text in texts:
                batch.request.documents.setdefault(text, None)
    return batch


def _unit_vector(raw: Any, dims: int, where: str) -> Vector:
    vector = list(raw) if isinstance(raw, Iterable) and not isinstance(raw, str) else None
    if vector is None or len(vector) != dims:
        size = type(raw).__name__ if vector is None else f"{len(vector)} dimensions"
        raise StoreError(
            f"Embedding for {where} has {size} but the index expects {dims} "
            "dimensions. Set IndexConfig dims to your model's output size.",
            code=ErrorCode.STORE_EMBEDDING,
        )
    return normalize(vector)


def attach_vectors(batch: PreparedBatch, dims: int) -> None:
    """Check the size of every embedding (naming its item) and store unit vectors."""
    for position, texts in batch.put_texts.items():
        op = batch.ops[position]
        where = f"item {op.key!r} in namespace {op.namespace!r}"  # type: ignore[union-attr]
        batch.vectors[position] = tuple(
            _unit_vector(batch.request.documents[text], dims, where) for text in texts
        )
    batch.queries = {
        query: _unit_vector(raw, dims, f"search query {query!r}")
        for query, raw in batch.request.queries.items()
    }
