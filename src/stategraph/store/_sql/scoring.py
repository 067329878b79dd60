"""Rank stored vectors against a query: one matrix product with numpy, else pure Python.

Stored and query vectors are unit length, so the dot product is the cosine.  An
item's score is its best vector's (the max over its embedded fields).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from typing import Any

from .codec import decode_vector

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
    rows = list(rows)
    if not rows:
        return {}
    if use_numpy and _np is not None:
        matrix = _np.frombuffer(b"".join(bytes(row[2]) for row in rows), dtype="<f4")
        matrix = matrix.reshape(len(rows), -1).astype(float)
        values = (matrix @ _np.asarray(query, dtype=float)).tolist()
    else:
        values = [sum(map(operator.mul, decode_vector(bytes(row[2])), query)) for row in rows]
    best: dict[ItemKey, float] = {}
    for row, score in zip(rows, values, strict=True):
        item = (row[0], row[1])
        # why: float32 storage can put a perfect match a hair above 1.0
        score = min(1.0, max(-1.0, float(score)))
        if item not in best or score > best[item]:
            best[item] = score
    return best
