"""store._filter: the reference semantics of search filters."""

from __future__ import annotations

from typing import Any

import pytest

from stategraph.errors import ErrorCode
from stategraph.store._filter import OPERATORS, check_filter, matches_filter

VALUE = {
    "name": "ada",
    "age": 36,
    "tags": ["math", "code"],
    "meta": {"lang": "en", "level": {"n": 3}},
    "a.b": "literal",
    "a": {"b": "nested"},
    "none": None,
}


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        (None, True),
        ({}, True),
        ({"name": "ada"}, True),
        ({"name": "bob"}, False),
        ({"tags": ["math", "code"]}, True),
        ({"tags": ["code", "math"]}, False),
        ({"meta": {"lang": "en", "level": {"n": 3}}}, True),
        ({"meta": {"lang": "en"}}, False),
        ({"meta.level.n": 3}, True),
        ({"meta.level": {"n": 3}}, True),
        ({"meta.lang.x": "en"}, False),  # walking into a string finds nothing
        ({"meta.missing": {"$ne": 1}}, True),
        ({"a.b": "literal"}, True),  # a literal top-level key wins over the dotted path
        ({"none": None}, True),
        ({"absent": None}, True),  # a missing key compares as None, as in LangGraph's stores
        ({"age": {"$gte": 36, "$lt": 37}}, True),
        ({"age": {"$gt": 36}}, False),
        ({"age": {"$lte": 35}}, False),
        ({"age": {"$eq": 36.0}}, True),
        ({"age": {"$in": (1, 36)}}, True),
        ({"age": {"$in": {1, 2}}}, False),
        ({"age": {"$nin": [1, 2]}}, True),
        ({"absent": {"$nin": [1]}}, True),
        ({"absent": {"$in": [None]}}, True),
        ({"absent": {"$eq": None}}, True),
        ({"absent": {"$ne": None}}, False),
        ({"absent": {"$nin": [None]}}, False),
        ({"absent": {"$gt": 0}}, False),
        ({"none": {"$lt": 1}}, False),
        ({"age": {"$lt": None}}, False),
        ({"name": {"$gt": 3}}, False),  # str vs int: no match rather than TypeError
        ({"name": {"$gt": "abc"}}, True),
        ({"name": "ada", "age": {"$lt": 10}}, False),
    ],
    ids=repr,
)
def test_matches_filter(filter: Any, expected: bool) -> None:
    check_filter(filter)
    assert matches_filter(VALUE, filter) is expected


@pytest.mark.parametrize(
    ("filter", "fragment"),
    [
        ("name=ada", "must be a dict"),
        ({1: "x"}, "non-empty strings"),
        ({"": "x"}, "non-empty strings"),
        ({"age": {"$regex": "x"}}, "'$regex', which is not an operator"),
        ({"age": {"$gt": 1, "lt": 2}}, "'lt', which is not an operator"),
        ({"age": {"$in": "abc"}}, "$in needs a list"),
        ({"age": {"$nin": 3}}, "$nin needs a list"),
    ],
    ids=repr,
)
def test_check_filter_explains_mistakes(filter: Any, fragment: str) -> None:
    with pytest.raises(ValueError) as caught:
        check_filter(filter)
    assert fragment in str(caught.value)
    assert caught.value.code is ErrorCode.STORE_BAD_FILTER  # type: ignore[attr-defined]


def test_plain_dict_without_operators_is_equality() -> None:
    check_filter({"meta": {"lang": "en"}})  # no "$" keys: a value, not operators
    assert matches_filter({"meta": {"lang": "en"}}, {"meta": {"lang": "en"}})


def test_operator_set() -> None:
    assert OPERATORS == {"$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin"}
