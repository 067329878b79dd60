"""store._vector: normalisation and cosine scoring (pure Python, and numpy when present)."""

from __future__ import annotations

import math

import pytest

from stategraph.store import _vector
from stategraph.store._vector import best_score, cosine, normalize


def test_normalize() -> None:
    assert normalize([3.0, 4.0]) == (0.6, 0.8)
    assert normalize([0.0, 0.0]) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [([1, 0], [1, 0], 1.0), ([1, 0], [0, 2], 0.0), ([1, 1], [-1, -1], -1.0), ([1, 0], [0, 0], 0.0)],
)
def test_cosine(a: list[float], b: list[float], expected: float) -> None:
    assert cosine(a, b) == pytest.approx(expected)


def test_cosine_needs_equal_lengths() -> None:
    with pytest.raises(ValueError):
        cosine([1.0], [1.0, 2.0])


@pytest.mark.parametrize("use_numpy", [False, pytest.param(True, id="numpy")])
def test_best_score_takes_the_maximum(use_numpy: bool) -> None:
    if use_numpy and not _vector.HAS_NUMPY:
        pytest.skip("numpy is not installed")
    query = normalize([1.0, 1.0])
    vectors = [normalize([1.0, 0.0]), normalize([1.0, 1.0]), normalize([-1.0, 0.0])]
    assert best_score(query, vectors, use_numpy=use_numpy) == pytest.approx(1.0)
    assert best_score(query, vectors[:1], use_numpy=use_numpy) == pytest.approx(math.sqrt(0.5))
    assert best_score(query, [], use_numpy=use_numpy) is None


@pytest.mark.parametrize("use_numpy", [False, pytest.param(True, id="numpy")])
def test_best_scores_scores_each_item_like_best_score(use_numpy: bool) -> None:
    if use_numpy and not _vector.HAS_NUMPY:
        pytest.skip("numpy is not installed")
    query = normalize([1.0, 2.0, 0.5])
    items = [
        (normalize([1.0, 0.0, 0.0]),),
        (),
        (normalize([0.0, 1.0, 0.0]), normalize([1.0, 2.0, 0.5]), normalize([-1.0, 0.0, 0.0])),
        (normalize([0.0, 0.0, 1.0]), normalize([0.0, 1.0, 1.0])),
    ]
    scores = _vector.best_scores(query, items, use_numpy=use_numpy)
    assert scores[1] is None
    for vectors, score in zip(items, scores, strict=True):
        if vectors:
            assert score == pytest.approx(best_score(query, vectors, use_numpy=False))
    assert _vector.best_scores(query, [], use_numpy=use_numpy) == []
    assert _vector.best_scores(query, [(), ()], use_numpy=use_numpy) == [None, None]
