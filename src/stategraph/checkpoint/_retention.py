"""Which checkpoints ``prune(keep_last=N)`` keeps; pure, shared by every backend.

Within one (thread, namespace) a checkpoint is kept if any of these hold:

1. it is one of the ``N`` newest (by id, i.e. by creation time);
2. it waits on an interrupt: it has an ``__interrupt__`` write and no child, so a
   paused run on any branch can still be resumed;
3. it is a fork point (two or more children) and the parent of a kept checkpoint,
   so a kept branch still shows where it left the other line.  Applied repeatedly.

Everything else, with its writes, is deleted; blobs no remaining checkpoint refers to,
directly or as the base of a delta chain (``with_bases``), are deleted too.  A kept checkpoint's ``parent_config`` may name a pruned checkpoint.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import NamedTuple, TypeVar

from ..errors import CheckpointError, ErrorCode

__all__ = ["CheckpointNode", "keep_count", "select_kept", "with_bases"]

T = TypeVar("T")


class CheckpointNode(NamedTuple):
    checkpoint_id: str
    parent_id: str | None
    has_interrupt: bool


def select_kept(nodes: Iterable[CheckpointNode], keep_last: int) -> set[str]:
    """Return the ids to keep among the checkpoints of one (thread, namespace)."""
    nodes = list(nodes)
    parents = {node.checkpoint_id: node.parent_id for node in nodes}
    children = Counter(node.parent_id for node in nodes if node.parent_id in parents)
    newest = sorted(parents, reverse=True)[:keep_last]
    kept = set(newest)
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
