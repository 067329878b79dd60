"""PregelProtocol: local and remote graphs are both instances; subclasses implement it."""

from __future__ import annotations

import pytest
from typing_extensions import TypedDict

from stategraph.graph import StateGraph
from stategraph.pregel.protocol import PregelProtocol


class S(TypedDict):
    x: int


def test_compiled_graphs_and_remote_graphs_are_instances() -> None:
    graph = StateGraph(S).add_node("a", lambda s: {"x": 1}).set_entry_point("a").compile()
    assert isinstance(graph, PregelProtocol)
    pytest.importorskip("langgraph_sdk")
    from stategraph.pregel.remote import RemoteGraph

    assert issubclass(RemoteGraph, PregelProtocol)


def test_objects_without_the_methods_are_not() -> None:
    class OnlyInvoke:
        def invoke(self, input, config=None):
            return input

    assert not isinstance(OnlyInvoke(), PregelProtocol) and not isinstance({}, PregelProtocol)


def test_a_subclass_must_implement_the_abstract_methods() -> None:
    class Partial(PregelProtocol):
        def invoke(self, input, config=None, **kwargs):
            return input

    with pytest.raises(TypeError, match="abstract"):
        Partial()  # type: ignore[abstract]


def test_bulk_update_state_is_optional() -> None:
    names = [
        n
        for n in vars(PregelProtocol)
        if getattr(getattr(PregelProtocol, n), "__isabstractmethod__", False)
    ]
    full = type("Full", (PregelProtocol,), {n: (lambda self, *a, **k: None) for n in names})
    with pytest.raises(NotImplementedError, match="bulk_update_state"):
        full().bulk_update_state({}, [])
