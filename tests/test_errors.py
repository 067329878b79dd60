"""Build mistakes and helpers outside a run raise LangGraph's builtin types, with our codes."""

from __future__ import annotations

import operator
import warnings
from typing import Annotated, Any, TypedDict

import pytest

from stategraph.config import get_config, get_store, get_stream_writer
from stategraph.errors import (
    ErrorCode,
    GraphInterrupt,
    NodeInterrupt,
)
from stategraph.graph import START, StateGraph
from stategraph.runtime import get_runtime
from stategraph.warnings import LangGraphDeprecatedSinceV10


class State(TypedDict):
    x: int


def _duplicate_node() -> None:
    StateGraph(State).add_node("a", lambda s: s).add_node("a", lambda s: s)


def _no_entry() -> None:
    StateGraph(State).add_node("a", lambda s: s).compile()


def _unknown_edge_target() -> None:
    StateGraph(State).add_node("a", lambda s: s).add_edge(START, "a").add_edge("a", "zzz").compile()


def _bad_reducer() -> None:
    class Bad(TypedDict):
        xs: Annotated[list, operator.neg]

    StateGraph(Bad)


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (_duplicate_node, ErrorCode.BUILD_DUPLICATE_NODE),
        (_no_entry, ErrorCode.BUILD_NO_ENTRY),
        (_unknown_edge_target, ErrorCode.BUILD_UNKNOWN_NODE),
        (_bad_reducer, ErrorCode.BUILD_BAD_REDUCER),
    ],
)
def test_build_mistakes_raise_a_coded_value_error(build: Any, code: ErrorCode) -> None:
    with pytest.raises(ValueError) as info:
        build()
    exc = info.value
    assert type(exc) is ValueError  # LangGraph's type exactly: programs print its name
    assert exc.code is code
    assert str(exc).endswith(f"[{code.value}]")
    assert str(exc).count(f"[{code.value}]") == 1


@pytest.mark.parametrize(
    ("helper", "name"),
    [
        (get_config, "get_config"),
        (get_store, "get_store"),
        (get_stream_writer, "get_stream_writer"),
        (get_runtime, "get_runtime"),
    ],
)
def test_helpers_outside_a_run_raise_a_coded_runtime_error(helper: Any, name: str) -> None:
    with pytest.raises(RuntimeError) as info:
        helper()
    exc = info.value
    assert type(exc) is RuntimeError
    assert exc.code is ErrorCode.RUN_OUTSIDE_CONTEXT
    assert str(exc).startswith(f"{name}() was called outside of a running graph")
    assert str(exc).endswith("[E206]")


def test_node_interrupt_warns_deprecated_since_v10() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exc = NodeInterrupt("stop", id="i1")
    assert [w.category for w in caught] == [LangGraphDeprecatedSinceV10]
    assert caught[0].filename == __file__  # points at the caller, not at errors.py
    assert "interrupt" in str(caught[0].message)
    assert isinstance(exc, GraphInterrupt)
    assert [(i.value, i.id) for i in exc.interrupts] == [("stop", "i1")]
