"""Cosine similarity for in-process vector search: numpy when installed, pure Python otherwise.

Vectors are normalised once when stored, so a score is one dot product.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence

try:  # optional speed-up; results are identical up to float rounding
    import numpy as _np
except ImportError:  # pragma: no cover - depends on the environment
    _np = None

__all__ = ["HAS_NUMPY", "best_score", "best_scores", "cosine", "normalize"]

HAS_NUMPY = _np is not None

Vector = tuple[float, ...]


def normalize(vector: Sequence[float]) -> Vector:
    """Return ``vector`` scaled to unit length (the zero vector stays zero)."""
    norm = math.sqrt(math.fsum(x * x for x in vector))
    if norm == 0.0:
        return tuple(0.0 for _ in vector)
    return tuple(float(x) / norm for x in vector)


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return math.fsum(x * y for x, y in zip(a, b, strict=True))


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Return the cosine similarity of two equal-length vectors (0.0 if either is zero)."""
    return _dot(normalize(a), normalize(b))


def best_score(
    query: Vector, vectors: Sequence[Vector], *, use_numpy: bool = HAS_NUMPY
) -> float | None:
    """Return the highest dot product of unit ``query`` with unit ``vectors`` (None if empty)."""
    if not vectors:
        return None
    if use_numpy and _np is not None:
        return float((_np.asarray(vectors, dtype=float) @ _np.asarray(query, dtype=float)).max())
    return max(sum(map(operator.mul, query, vector)) for vector in vectors)


def best_scores(
    query: Vector, items: Sequence[Sequence[Vector]], *, use_numpy: bool = HAS_NUMPY
) -> list[float | None]:
    """``best_score`` of each item's vectors, in one pass (one matrix product with numpy)."""
    if use_numpy and _np is not None and items:
        return _best_scores_numpy(query, items)
    mul = operator.mul
    scores: list[float | None] = []
    append = scores.append
    for vectors in items:  # why: the hot loop of in-memory search, kept call-free
        if len(vectors) == 1:
            append(sum(map(mul, query, vectors[0])))
        elif vectors:
            append(max(sum(map(mul, query, vector)) for vector in vectors))
        else:
            append(None)
    return scores


def _best_scores_numpy(query: Vector, items: Sequence[Sequence[Vector]]) -> list[float | None]:
    assert _np is not None
    flat = [vector for vectors in items for vector in vectors]
    if not flat:
        return [None] * len(items)
    dots = (_np.asarray(flat, dtype=float) @ _np.asarray(query, dtype=float)).tolist()
    scores: list[float | None] = []
    start = 0
    for vectors in items:
        end = start + len(vectors)
        scores.append(max(dots[start:end]) if end > start else None)
        start = end
    return scores
