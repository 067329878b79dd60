"""Rank stored vectors against a query: one matrix product with numpy, else pure Python.

Stored and query vectors are unit length, so the dot product is the cosine.  An
item's score is its best vector's (the max over its embedded fields).
"""

from __future__ import annotations

import functools
import operator
import struct
from collections.abc import Callable, Iterable, Sequence
from typing import Any

try:  # optional speed-up; results are identical up to float rounding
    import numpy as _np
except ImportError:  # pragma: no cover - depends on the environment
    _np = None

__all__ = ["best_scores"]

ItemKey = tuple[str, str]  # (encoded prefix, key)


def best_scores(
    query: Sequence[float], rows: Iterable[Sequence[Any]], *, use_numpy: bool = _np is not None
) -> dict[ItemKey, float]:
    """Return item -> best cosine, from rows ``(prefix, key, embedding bytes)``."""
    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return {}
    if use_numpy and _np is not None:
        matrix = _np.frombuffer(b"".join(bytes(row[2]) for row in rows), dtype="<f4")
        matrix = matrix.reshape(len(rows), -1).astype(float)
        values = (matrix @ _np.asarray(query, dtype=float)).tolist()
        return _best_per_item(rows, values)
    try:
        best = _best_pure(query, rows, _unpacker(len(rows[0][2])))
    except struct.error:  # blobs of several sizes (the index's dims changed): one by one
        best = _best_pure(query, rows, lambda blob: _unpacker(len(blob))(blob))
    # why: float32 storage can put a perfect match a hair above 1.0
    return {item: min(1.0, max(-1.0, score)) for item, score in best.items()}


def _best_pure(
    query: Sequence[float], rows: list[Sequence[Any]], unpack: Callable[[Any], Sequence[float]]
) -> dict[ItemKey, float]:
    mul = operator.mul
    best: dict[ItemKey, float] = {}
    get = best.get
    for prefix, key, blob in rows:  # why: the hot loop of SQL vector search, call-free
        score = sum(map(mul, unpack(blob), query))
        item = (prefix, key)
        previous = get(item)
        if previous is None or score > previous:
            best[item] = score
    return best


def _best_per_item(rows: list[Sequence[Any]], values: list[float]) -> dict[ItemKey, float]:
    best: dict[ItemKey, float] = {}
    for row, score in zip(rows, values, strict=True):
        item = (row[0], row[1])
        score = min(1.0, max(-1.0, float(score)))
        if item not in best or score > best[item]:
            best[item] = score
    return best


@functools.lru_cache(maxsize=8)
def _unpacker(size: int) -> Callable[[Any], tuple[float, ...]]:
    """``decode_vector`` for blobs of ``size`` bytes, compiled once."""
    return struct.Struct(f"<{size // 4}f").unpack
