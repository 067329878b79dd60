"""Cosine similarity for in-process vector search: numpy when installed, pure Python otherwise.

Vectors are normalised once when stored, so a score is one dot product.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

try:  # optional speed-up; results are identical up to float rounding
    import numpy as _np
except ImportError:  # pragma: no cover - depends on the environment
    _np = None

__all__ = ["HAS_NUMPY", "best_score", "cosine", "normalize"]

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
    return max(_dot(query, vector) for vector in vectors)
