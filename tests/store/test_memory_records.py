"""store._memory_records: the copies readers get, and the ranking of one page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from stategraph.store._memory_records import Record, copy_json, rank_page, search_item
from stategraph.store._vector import normalize


class Tagged(dict):
    """A dict subclass: copied into a plain dict like any other dict."""


@pytest.mark.parametrize(
    "value",
    [
        {"a": 1, "b": "x", "c": None, "d": 2.5, "e": True},
        {"nested": {"list": [1, {"deep": []}]}, "t": (1, 2)},
        Tagged(a=1),
        {"a": Tagged(b=[1])},
    ],
    ids=["flat", "nested", "dict-subclass", "nested-subclass"],
)
def test_copy_json_copies_every_mutable_part(value: Any) -> None:
    copied = copy_json(value)
    assert copied == value and copied is not value and type(copied) is dict

    def containers(v: Any) -> list[int]:
        if isinstance(v, dict):
            return [id(v), *(i for x in v.values() for i in containers(x))]
        if isinstance(v, list):
            return [id(v), *(i for x in v for i in containers(x))]
        return []

    assert not set(containers(copied)) & set(containers(value))


def test_copy_json_deep_copies_unknown_objects() -> None:
    thing = {1, 2}
    assert copy_json({"s": thing})["s"] is not thing


def _found(*vectors: tuple[Any, ...]) -> list[tuple[Any, str, Record]]:
    stamp = datetime.now(UTC)
    return [
        (("ns",), f"k{i}", Record({"i": i}, stamp, stamp, v, None, None, True))
        for i, v in enumerate(vectors)
    ]


def test_rank_page_orders_by_score_then_unscored_in_candidate_order() -> None:
    query = normalize([1.0, 0.0])
    found = _found(
        (),
        (normalize([0.0, 1.0]),),
        (normalize([1.0, 1.0]),),
        (),
        (normalize([1.0, 0.0]), normalize([0.0, 1.0])),
        (normalize([1.0, 1.0]),),
    )
    page = rank_page(query, found, 0, 6)
    assert [row[1] for row, _ in page] == ["k4", "k2", "k5", "k1", "k0", "k3"]
    assert [score for _, score in page][-2:] == [None, None]
    assert [row[1] for row, _ in rank_page(query, found, 2, 4)] == ["k5", "k1"]
    assert rank_page(query, found, 6, 9) == []


def test_search_item_copies_the_value() -> None:
    (row,) = _found(())
    item = search_item(row[0], row[1], row[2], 0.5)
    assert (item.namespace, item.key, item.value, item.score) == (("ns",), "k0", {"i": 0}, 0.5)
    item.value["i"] = 9
    assert row[2].value == {"i": 0}
