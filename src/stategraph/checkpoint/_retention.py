"""Which checkpoints ``prune(keep_last=N, max_age=A)`` keeps; pure, shared by every backend.

Within one (thread, namespace) a checkpoint is kept if any of these hold:

1. it is one of the ``N`` newest (by id, i.e. by creation time), or, when ``max_age``
   is given, it is not older than ``A``;
2. it waits on an interrupt: it has an ``__interrupt__`` write and no child, so a
   paused run on any branch can still be resumed;
3. it is a fork point (two or more children) and the parent of a kept checkpoint,
   so a kept branch still shows where it left the other line.  Applied repeatedly.

Everything else, with its writes, is deleted; blobs no remaining checkpoint refers to,
directly or as the base of a delta chain (``with_bases``), are deleted too.  A kept checkpoint's ``parent_config`` may name a pruned checkpoint.

With ``strategy="delete"`` and ``max_age``, a thread is deleted only if every one of its
checkpoints (over all namespaces), hence its newest, is older than ``A`` (``all_old``).

Age comes from the id: the engine's ids are uuid6, whose first 60 bits are the creation
time (``created_at``).  An id that is not a canonical uuid6 has no known age, so such a
checkpoint is never deleted for age, nor is a thread holding one (only ``keep_last`` and
the plain ``"delete"`` strategy remove it).  One ``now`` is taken per prune call.
"""

from __future__ import annotations

import math
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import NamedTuple, TypeAlias, TypeVar

from ..errors import CheckpointError, ErrorCode

__all__ = [
    "CheckpointNode",
    "MaxAge",
    "age_cutoff",
    "all_old",
    "created_at",
    "is_old",
    "keep_count",
    "select_kept",
    "with_bases",
]

T = TypeVar("T")

MaxAge: TypeAlias = timedelta | int | float  # a timedelta, or seconds

# uuid timestamps count 100-ns ticks from the Gregorian calendar's start
_GREGORIAN_EPOCH = datetime(1582, 10, 15, tzinfo=UTC)
_LONG_AGO = datetime.min.replace(tzinfo=UTC)


class CheckpointNode(NamedTuple):
    checkpoint_id: str
    parent_id: str | None
    has_interrupt: bool


def select_kept(
    nodes: Iterable[CheckpointNode], keep_last: int, cutoff: datetime | None = None
) -> set[str]:
    """Return the ids to keep among the checkpoints of one (thread, namespace).

    With a ``cutoff`` (see ``age_cutoff``) every checkpoint not older than it is kept too.
    """
    nodes = list(nodes)
    parents = {node.checkpoint_id: node.parent_id for node in nodes}
    children = Counter(node.parent_id for node in nodes if node.parent_id in parents)
    newest = sorted(parents, reverse=True)[:keep_last]
    kept = set(newest)
    if cutoff is not None:
        kept.update(c for c in parents if not is_old(c, cutoff))
    kept.update(n.checkpoint_id for n in nodes if n.has_interrupt and not children[n.checkpoint_id])
    frontier = list(kept)
    while frontier:
        parent = parents.get(frontier.pop())
        if (
            parent is not None
            and parent in parents
            and children[parent] >= 2
            and parent not in kept
        ):
            kept.add(parent)
            frontier.append(parent)
    return kept


def keep_count(keep_last: int | None, strategy: str) -> int | None:
    """Validate prune arguments; return how many to keep, or None to delete the threads."""
    if strategy == "delete":
        return None
    if strategy != "keep_latest":
        raise CheckpointError(
            f"Unknown prune strategy {strategy!r}; use 'keep_latest' or 'delete'.",
            code=ErrorCode.CHECKPOINT_BAD_ARGUMENT,
        )
    keep = 1 if keep_last is None else keep_last
    if not isinstance(keep, int) or isinstance(keep, bool) or keep < 1:
        raise CheckpointError(
            f"prune(keep_last={keep_last!r}) must keep at least 1 checkpoint; use "
            "strategy='delete' to remove whole threads.",
            code=ErrorCode.CHECKPOINT_BAD_ARGUMENT,
        )
    return keep


def with_bases(live: Iterable[T], base_of: Mapping[T, T]) -> set[T]:
    """Return ``live`` plus every blob a live delta blob builds on, transitively.

    ``base_of`` maps a delta blob's key to its base's key (see ``_delta``); pruning
    must keep a kept checkpoint's whole chain, even blobs no kept checkpoint names.
    """
    kept = set(live)
    frontier = list(kept)
    while frontier:
        base = base_of.get(frontier.pop())
        if base is not None and base not in kept:
            kept.add(base)
            frontier.append(base)
    return kept


def created_at(checkpoint_id: str) -> datetime | None:
    """Return when a uuid6 id was made (aware, UTC), or None if it is not a uuid6.

    Only the canonical 36-character form (any case) counts: it is the form whose text
    order is creation order, the one the engine writes.
    """
    try:
        value = uuid.UUID(checkpoint_id)
    except (TypeError, ValueError, AttributeError):
        return None
    if value.version != 6 or value.variant != uuid.RFC_4122 or str(value) != checkpoint_id.lower():
        return None
    ticks = ((value.int >> 80) << 12) | ((value.int >> 64) & 0xFFF)
    return _GREGORIAN_EPOCH + timedelta(microseconds=ticks // 10)


def is_old(checkpoint_id: str, cutoff: datetime) -> bool:
    """Whether ``checkpoint_id`` was made before ``cutoff``; False when its age is unknown."""
    created = created_at(checkpoint_id)
    return created is not None and created < cutoff


def all_old(checkpoint_ids: Iterable[str], cutoff: datetime) -> bool:
    """Whether a thread is idle: it has checkpoints and every one is older than ``cutoff``."""
    found = False
    for checkpoint_id in checkpoint_ids:
        if not is_old(checkpoint_id, cutoff):
            return False
        found = True
    return found


def age_cutoff(max_age: MaxAge | None, now: datetime | None = None) -> datetime | None:
    """Validate prune's ``max_age``; return ``now - max_age`` (None without a max_age).

    ``now`` (aware; default: the current UTC time) is read once per prune call.  A
    cutoff before year 1 means nothing is old.
    """
    if max_age is None:
        return None
    age = _as_timedelta(max_age)
    if now is None:
        now = datetime.now(UTC)
    try:
        return now - age
    except OverflowError:
        return _LONG_AGO


def _as_timedelta(max_age: object) -> timedelta:
    age: timedelta | None = None
    if isinstance(max_age, timedelta):
        age = max_age
    elif isinstance(max_age, (int, float)) and not isinstance(max_age, bool):
        if math.isfinite(max_age):
            try:
                age = timedelta(seconds=max_age)
            except OverflowError:
                age = None
    if age is None or age <= timedelta(0):
        raise CheckpointError(
            f"prune(max_age={max_age!r}) must be a positive datetime.timedelta or a "
            "positive, finite number of seconds (at least 1 microsecond), e.g. "
            "max_age=timedelta(days=30); leave it out to prune by keep_last alone.",
            code=ErrorCode.CHECKPOINT_BAD_ARGUMENT,
        )
    return age
