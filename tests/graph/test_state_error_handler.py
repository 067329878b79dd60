"""add_node(error_handler=...) (LangGraph 1.2) is refused, never silently ignored."""

from __future__ import annotations

import pytest
from typing_extensions import TypedDict

from stategraph.errors import ErrorCode
from stategraph.graph import StateGraph


class S(TypedDict):
    x: int


def test_error_handler_is_refused_with_a_code() -> None:
    with pytest.raises(ValueError, match=r"error_handler=\.\.\.\) is not supported yet") as info:
        StateGraph(S).add_node("a", lambda s: s, error_handler=lambda s, e: s)
    assert info.value.code is ErrorCode.BUILD_BAD_ARGUMENT  # type: ignore[attr-defined]


def test_error_handler_none_is_the_default() -> None:
    graph = StateGraph(S).add_node("a", lambda s: {"x": 1}, error_handler=None).set_entry_point("a")
    assert graph.compile().invoke({"x": 0}) == {"x": 1}
