"""Time-ordered UUIDs (version 6) for checkpoint ids: the ``langgraph.checkpoint.base.id`` path.

A uuid6 puts its timestamp first, so sorting the id strings sorts checkpoints by creation
time; stategraph's savers rely on that for ``list()`` order and ``prune(max_age=...)``.

    >>> from stategraph.checkpoint.base.id import uuid6
    >>> first, second = uuid6(), uuid6()
    >>> first.version, str(first) < str(second)
    (6, True)
"""

from __future__ import annotations

from uuid import UUID as UUID  # LangGraph's module exposes it too

from .._ids import uuid6

__all__ = ["uuid6"]
