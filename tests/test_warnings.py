"""Deprecation warnings carry the versions that deprecated and will remove the API."""

from __future__ import annotations

import warnings

import pytest

from stategraph.graph import StateGraph
from stategraph.types import RetryPolicy
from stategraph.warnings import (
    LangGraphDeprecatedSinceV05,
    LangGraphDeprecatedSinceV10,
    LangGraphDeprecatedSinceV11,
    LangGraphDeprecationWarning,
)


@pytest.mark.parametrize(
    ("cls", "since", "removal"),
    [
        (LangGraphDeprecatedSinceV05, (0, 5), (2, 0)),
        (LangGraphDeprecatedSinceV10, (1, 0), (2, 0)),
        (LangGraphDeprecatedSinceV11, (1, 1), (3, 0)),
    ],
)
def test_versioned_warnings(
    cls: type[LangGraphDeprecationWarning], since: tuple, removal: tuple
) -> None:
    w = cls("`old` is deprecated. Use `new`.")
    assert isinstance(w, LangGraphDeprecationWarning) and isinstance(w, DeprecationWarning)
    assert (w.since, w.expected_removal) == (since, removal)
    assert w.message == "`old` is deprecated. Use `new`"
    assert str(w) == (
        f"`old` is deprecated. Use `new`. Deprecated in LangGraph V{since[0]}.{since[1]} "
        f"to be removed in V{removal[0]}.{removal[1]}."
    )


def test_base_warning_defaults_removal_to_next_major() -> None:
    w = LangGraphDeprecationWarning("gone soon", since=(1, 3))
    assert w.expected_removal == (2, 0)
    assert str(w) == "gone soon. Deprecated in LangGraph V1.3 to be removed in V2.0."
    assert str(LangGraphDeprecationWarning("no version")) == "no version."


def test_engine_warnings_carry_their_versions() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        StateGraph(dict).add_node("a", lambda s: s, retry=RetryPolicy())
        StateGraph(dict, config_schema=dict)
    assert [w.category for w in caught] == [
        LangGraphDeprecatedSinceV05,
        LangGraphDeprecatedSinceV10,
    ]
    assert caught[0].message.since == (0, 5)
    assert str(caught[1].message).endswith("Deprecated in LangGraph V1.0 to be removed in V2.0.")
