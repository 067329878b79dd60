"""What ``InMemoryStore`` keeps per item, and the copies its readers get.

Stored values are copied on the way in and on the way out, so no caller can edit the
store's data.  Most values are flat (a dict of str/int/float/bool/None): their copy is
one ``dict.copy``, decided once per write (``_Record.flat``).
"""

from __future__ import annotations

import copy
import heapq
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ._vector import Vector, best_scores
from .base import SearchItem

__all__ = ["ATOMS", "Record", "copy_json", "rank_page", "search_item"]

Namespace = tuple[str, ...]
_new_object = object.__new__


@dataclass(slots=True)
class Record:
    value: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    vectors: tuple[Vector, ...]  # unit vectors, one per embedded text; () = not indexed
    ttl_minutes: float | None
    expires_at: float | None  # on the store's clock (seconds); None = never
    flat: bool = False  # value is a plain dict of atoms: a reader's copy is value.copy()

    def copied_value(self) -> dict[str, Any]:
        return self.value.copy() if self.flat else copy_json(self.value)

    def is_expired(self, now: float) -> bool:
        return self.expires_at is not None and self.expires_at <= now


ATOMS = frozenset({str, int, float, bool, type(None)})


def copy_json(value: Any) -> Any:
    """Copy dicts and lists (the mutable parts of a JSON-like value); share everything else.

    why: copy.deepcopy costs ~10x more and stored values are plain JSON-like dicts;
    atoms are shared inline, without a call per member.
    """
    if type(value) is dict and ATOMS.issuperset(map(type, value.values())):
        return value.copy()  # flat: the common case, copied in C
    if isinstance(value, dict):
        return {k: v if type(v) in ATOMS else copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_json(v) for v in value]
    if isinstance(value, (str, int, float, bool, type(None), tuple)):
        return value
    return copy.deepcopy(value)


def rank_page(
    query: Vector, found: list[tuple[Namespace, str, Record]], start: int, end: int
) -> list[tuple[tuple[Namespace, str, Record], float | None]]:
    """Rows ``start:end`` of ``found`` ranked: best score first, then unscored, both stable."""
    scores = best_scores(query, [record.vectors for _, _, record in found])
    scored = [i for i, score in enumerate(scores) if score is not None]
    # nlargest is sorted(reverse=True)[:n]: ties keep their candidate order
    order = heapq.nlargest(end, scored, key=scores.__getitem__)
    if len(order) < end:
        order += [i for i, score in enumerate(scores) if score is None][: end - len(order)]
    return [(found[i], scores[i]) for i in order[start:end]]


def search_item(namespace: Namespace, key: str, record: Record, score: float | None) -> SearchItem:
    item = _new_object(SearchItem)  # why: SearchItem._scored inlined, once per hit
    item.value = record.value.copy() if record.flat else copy_json(record.value)
    item.key = key
    item.namespace = namespace
    item.created_at = record.created_at
    item.updated_at = record.updated_at
    item.score = score
    return item
