"""Hypothesis strategies for checkpoint values, and a type-exact comparison.

``==`` would accept ``[1]`` for ``(1,)``'s twin ``[True]``, or a list for a tuple;
``assert_same`` checks that types survive too.
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

__all__ = ["assert_same", "checkpoint_values", "dict_keys"]

_INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)

hashable_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False),
    st.text(),
    st.binary(),
    st.datetimes(timezones=st.one_of(st.none(), st.timezones())),
    st.dates(),
    st.times(),
    st.timedeltas(),
    st.uuids(),
    st.decimals(allow_nan=False, allow_infinity=False),
)

dict_keys = st.one_of(
    st.text(), _INT64, st.booleans(), st.none(), st.binary(),
    st.tuples(st.text(), _INT64),
)  # fmt: skip


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=4).map(tuple),
        st.dictionaries(dict_keys, children, max_size=4),
        st.frozensets(hashable_scalars, max_size=4),
        st.sets(hashable_scalars, max_size=4),
    )


checkpoint_values = st.recursive(hashable_scalars, _containers, max_leaves=12)


def assert_same(actual: Any, expected: Any, path: str = "$") -> None:
    """Assert equal values of identical types, recursively."""
    assert type(actual) is type(expected), f"{path}: {type(actual)!r} is not {type(expected)!r}"
    if isinstance(expected, dict):
        typed_keys = {(type(k), k) for k in actual}
        assert typed_keys == {(type(k), k) for k in expected}, (
            f"{path}: keys {actual!r} != {expected!r}"
        )
        for key, value in expected.items():
            assert_same(actual[key], value, f"{path}[{key!r}]")
    elif isinstance(expected, (list, tuple)):
        assert len(actual) == len(expected), f"{path}: {actual!r} != {expected!r}"
        for index, (item_a, item_e) in enumerate(zip(actual, expected, strict=True)):
            assert_same(item_a, item_e, f"{path}[{index}]")
    elif isinstance(expected, (set, frozenset)):
        assert {(type(x), x) for x in actual} == {(type(x), x) for x in expected}, path
    elif isinstance(expected, float) and math.isnan(expected):
        assert math.isnan(actual), path
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"
        if hasattr(expected, "tzinfo"):
            assert actual.tzinfo == expected.tzinfo, f"{path}: tzinfo differs"
            assert getattr(actual, "fold", 0) == getattr(expected, "fold", 0), f"{path}: fold"
