"""Fetching list blobs with their delta chains: one range read per chain.

Every delta row names its chain's snapshot (``root_checkpoint_id``) and sorts after its
base (``_delta.plan_list_blobs`` ensures it), so a chain is the rows of its channel whose
id lies between the snapshot's and the tip's and whose root is that snapshot: one range
of the primary key, whatever the chain's length.  Links that are not in the table are
read from the sealed history (``cold``); rows written before the root column (NULL
root) are followed link by link with a recursive query.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import cold
from .blob_rows import unpack
from .dialect import Dialect
from .plans import Plan, Query
from .queries import queries_for

__all__ = ["fetch_chains"]

Pair = tuple[str, str]  # (channel, origin checkpoint id)
Blobs = dict[Pair, tuple[str, bytes]]


def fetch_chains(
    dialect: Dialect, thread_id: str, checkpoint_ns: str, pairs: Sequence[Pair]
) -> Plan[Blobs]:
    """Fetch blobs by (channel, origin) plus every blob their delta chains build on."""
    if not pairs:
        return {}
    q = queries_for(dialect)
    id_key = dialect.id_key
    keys = [value for channel, origin in pairs for value in (channel, id_key(origin))]
    rows = yield Query(q.select_blob_ranges(len(pairs)), (thread_id, checkpoint_ns, *keys))
    found = _Found(dialect)
    found.add_rows(rows)
    broken = _missing_links(pairs, found.blobs, found.bases)
    for _ in range(_MAX_ROUNDS):
        if not broken:
            break
        # sealed history first (the usual home of an old chain), then rows written before
        # chains recorded their roots, followed link by link
        if (yield from _from_segments(dialect, thread_id, checkpoint_ns, broken, found)):
            broken = _missing_links(pairs, found.blobs, found.bases)
            continue
        keys = [value for channel, origin in broken for value in (channel, id_key(origin))]
        rows = yield Query(
            q.select_blob_chains(len(broken)),
            (thread_id, checkpoint_ns, *keys, thread_id, checkpoint_ns),
        )
        if not found.add_rows(rows):
            break
        broken = _missing_links(pairs, found.blobs, found.bases)
    return found.blobs


# why: each round fetches at least one missing link or stops; a chain of sealed deltas
# comes in one round once its tip names its root, so real chains need a few rounds.
_MAX_ROUNDS = 64


class _Found:
    """Blobs fetched so far, with each one's base and chain root (as id text)."""

    def __init__(self, dialect: Dialect) -> None:
        self.text = dialect.id_text
        self.blobs: Blobs = {}
        self.bases: dict[Pair, str | None] = {}
        self.roots: dict[Pair, str | None] = {}

    def add_rows(self, rows: Any) -> bool:
        """Add ``(channel, origin, type, value, base, root)`` rows; False if none was new."""
        added = False
        for channel, origin_key, type_, value, base_key, root_key in rows:
            pair = (channel, self.text(origin_key))
            if pair in self.blobs:
                continue
            base = None if base_key is None else self.text(base_key)
            self.blobs[pair] = unpack(type_, value, base)
            self.bases[pair] = base
            self.roots[pair] = None if root_key is None else self.text(root_key)
            added = True
        return added

    def root_of(self, pair: Pair) -> str | None:
        """The root named by a fetched blob whose base is ``pair`` (the chain's start)."""
        for fetched, base in self.bases.items():
            if base == pair[1] and fetched[0] == pair[0] and self.roots.get(fetched):
                return self.roots[fetched]
        return None


def _from_segments(
    dialect: Dialect, thread_id: str, checkpoint_ns: str, broken: Sequence[Pair], found: _Found
) -> Plan[bool]:
    """Add the blob rows of the segments holding the missing links; False if none new."""
    low = min(found.root_of(pair) or pair[1] for pair in broken)
    high = max(pair[1] for pair in broken)
    sealed = yield from cold.overlapping(
        dialect, thread_id, checkpoint_ns, dialect.id_key(low), dialect.id_key(high)
    )
    added = False
    for segment in sealed:
        rows = [
            (channel, origin, type_, value, base, root)
            for channel, origin, _, type_, value, base, root in segment.blobs
        ]
        added = found.add_rows(rows) or added
    return added


def _missing_links(
    pairs: Sequence[Pair], blobs: Blobs, bases: dict[Pair, str | None]
) -> list[Pair]:
    """Return the blobs named by a fetched delta (or asked for) that were not fetched."""
    missing = []
    for channel, origin in pairs:
        key: Pair | None = (channel, origin)
        seen = set()
        while key is not None and key not in seen:
            seen.add(key)
            if key not in blobs:
                missing.append(key)
                break
            base = bases.get(key)
            key = None if base is None else (channel, base)
    return missing
