"""Typing names of LangGraph's SQL stores: their ``index=`` configs and backend base types.

``PostgresIndexConfig``/``SqliteIndexConfig`` are ``IndexConfig`` plus LangGraph's pgvector
options.  stategraph stores vectors itself and ranks exactly by cosine similarity, with no
approximate index, so ``ann_index_config`` (``HNSWConfig``, ``IVFFlatConfig``) is accepted and
ignored, and so is ``distance_type``: scores are always cosine.  For unit-length embeddings
(what most models return) l2 and inner-product rank results in the same order as cosine;
only the score values differ.

``BasePostgresStore``/``BaseSqliteStore`` are the common type of a backend's sync and async
store, for ``isinstance`` checks; they are not meant to be subclassed.
"""

from __future__ import annotations

from abc import ABC
from typing import Literal

from typing_extensions import TypedDict

from .base import IndexConfig

__all__ = [
    "ANNIndexConfig",
    "BasePostgresStore",
    "BaseSqliteStore",
    "HNSWConfig",
    "IVFFlatConfig",
    "PostgresIndexConfig",
    "SqliteIndexConfig",
]


class ANNIndexConfig(TypedDict, total=False):
    """pgvector approximate-index settings (accepted and ignored: search is exact).

    >>> from stategraph.store.postgres.base import HNSWConfig, PostgresIndexConfig
    >>> index: PostgresIndexConfig = {
    ...     "dims": 2, "embed": lambda texts: [[1.0, 0.0] for _ in texts],
    ...     "ann_index_config": HNSWConfig(kind="hnsw", m=16), "distance_type": "cosine",
    ... }
    """

    kind: Literal["hnsw", "ivfflat", "flat"]
    vector_type: Literal["vector", "halfvec"]


class HNSWConfig(ANNIndexConfig, total=False):
    """pgvector HNSW index settings (accepted and ignored)."""

    kind: Literal["hnsw"]  # type: ignore[misc]
    m: int
    ef_construction: int


class IVFFlatConfig(ANNIndexConfig, total=False):
    """pgvector IVFFlat index settings (accepted and ignored)."""

    kind: Literal["ivfflat"]  # type: ignore[misc]
    nlist: int


class PostgresIndexConfig(IndexConfig, total=False):
    """``IndexConfig`` of ``PostgresStore``; the extra keys are accepted and ignored."""

    ann_index_config: ANNIndexConfig
    distance_type: Literal["l2", "inner_product", "cosine"]


class SqliteIndexConfig(IndexConfig, total=False):
    """``IndexConfig`` of ``SqliteStore`` (no extra keys)."""


class BasePostgresStore(ABC):  # noqa: B024 - a type for isinstance, with no methods of its own
    """Common type of ``PostgresStore`` and ``AsyncPostgresStore``.

    >>> from stategraph.store.postgres import PostgresStore
    >>> from stategraph.store.postgres.base import BasePostgresStore
    >>> issubclass(PostgresStore, BasePostgresStore)
    True
    """


class BaseSqliteStore(ABC):  # noqa: B024 - a type for isinstance, with no methods of its own
    """Common type of ``SqliteStore`` and ``AsyncSqliteStore``.

    >>> from stategraph.store.sqlite import SqliteStore
    >>> from stategraph.store.sqlite.base import BaseSqliteStore
    >>> issubclass(SqliteStore, BaseSqliteStore)
    True
    """
