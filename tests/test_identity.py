"""same_prefix: identity of the first items, never equality; any interpreter layout."""

from __future__ import annotations

import pytest

from stategraph import _identity
from stategraph._identity import same_prefix


@pytest.fixture(params=["fast", "scan"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "scan":
        monkeypatch.setattr(_identity, "_FAST", False)
    else:
        assert _identity._FAST, "CPython's tuple layout should be recognized"
    return request.param  # type: ignore[no-any-return]


@pytest.mark.usefixtures("path")
@pytest.mark.parametrize("size", [0, 3, 40, 2000])
def test_the_same_objects_in_order_are_a_prefix(size: int) -> None:
    items = tuple(object() for _ in range(size))
    assert same_prefix(list(items), items)
    assert same_prefix([*items, object()], items)
    assert same_prefix(items, items)


@pytest.mark.usefixtures("path")
@pytest.mark.parametrize("size", [3, 40, 2000])
def test_an_equal_but_distinct_item_breaks_the_prefix(size: int) -> None:
    items = tuple(10**20 + i for i in range(size))  # ints equal by value, distinct objects
    copied = [int(str(item)) for item in items]
    assert copied == list(items) and not same_prefix(copied, items)
    swapped = list(items)
    swapped[size // 2] = int(str(swapped[size // 2]))
    assert not same_prefix(swapped, items)
    assert not same_prefix(list(items)[:-1], items)  # shorter
    assert not same_prefix(list(reversed(items)), items)
