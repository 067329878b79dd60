"""Fetching list blobs with their delta chains: one range read per chain.

Every delta row names its chain's snapshot (``root_checkpoint_id``) and sorts after its
base (``_delta.plan_list_blobs`` ensures it), so a chain is the rows of its channel whose
id lies between the snapshot's and the tip's and whose root is that snapshot: one range
of the primary key, whatever the chain's length.  Rows written before the root column
(NULL root) are followed link by link with a recursive query instead.
"""

from __future__ import annotations

from collections.abc import Sequence

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
    id_key, id_text = dialect.id_key, dialect.id_text
    keys = [value for channel, origin in pairs for value in (channel, id_key(origin))]
    rows = yield Query(q.select_blob_ranges(len(pairs)), (thread_id, checkpoint_ns, *keys))
    blobs: Blobs = {}
    bases: dict[Pair, str | None] = {}
    for channel, origin_key, type_, value, base_key in rows:
        origin, base = id_text(origin_key), None if base_key is None else id_text(base_key)
        blobs[(channel, origin)] = unpack(type_, value, base)
        bases[(channel, origin)] = base
    broken = _missing_links(pairs, blobs, bases)
    if broken:  # chains stored before roots were recorded
        keys = [value for channel, origin in broken for value in (channel, id_key(origin))]
        rows = yield Query(
            q.select_blob_chains(len(broken)),
            (thread_id, checkpoint_ns, *keys, thread_id, checkpoint_ns),
        )
        for channel, origin_key, type_, value, base_key in rows:
            base = None if base_key is None else id_text(base_key)
            blobs[(channel, id_text(origin_key))] = unpack(type_, value, base)
    return blobs


def _missing_links(pairs: Sequence[Pair], blobs: Blobs, bases: dict[Pair, str | None]) -> list[Pair]:
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
