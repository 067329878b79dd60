"""UntrackedValue: LastValue-like, never checkpointed."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stategraph.channels import UntrackedValue
from stategraph.channels.base import MISSING
from stategraph.checkpoint.memory import InMemorySaver
from stategraph.errors import InvalidUpdateError
from stategraph.graph import END, START, StateGraph


@given(st.one_of(st.integers(), st.text()))
def test_never_checkpointed(value: object) -> None:
    ch = UntrackedValue(object)
    ch.update([value])
    assert ch.get() == value
    assert ch.checkpoint() is MISSING
    assert not ch.from_checkpoint(value).is_available()
    assert not ch.copy().is_available()


def test_keeps_value_across_empty_steps() -> None:
    ch = UntrackedValue(int)
    ch.update([1])
    assert ch.update([]) is False
    assert ch.get() == 1


def test_guard() -> None:
    with pytest.raises(InvalidUpdateError):
        UntrackedValue(int, key="u").update([1, 2])
    ch = UntrackedValue(int, guard=False)
    ch.update([1, 2])
    assert ch.get() == 2


class State(TypedDict, total=False):
    x: int
    scratch: Annotated[Any, UntrackedValue]


def test_untracked_key_is_readable_in_run_but_not_saved(driver: Any) -> None:
    seen: list[Any] = []

    def a(state: State) -> dict[str, Any]:
        return {"scratch": "tmp", "x": state["x"] + 1}

    def b(state: State) -> dict[str, Any]:
        seen.append(state.get("scratch"))
        return {"x": state["x"] * 10}

    g = StateGraph(State)
    g.add_node("a", a).add_node("b", b)
    g.add_edge(START, "a").add_edge("a", "b").add_edge("b", END)
    app = g.compile(checkpointer=InMemorySaver())
    cfg = {"configurable": {"thread_id": "t"}}
    out = driver.run(app, {"x": 1}, cfg)
    assert seen == ["tmp"]
    assert out["x"] == 20
    snap = driver.get_state(app, cfg)
    assert snap.values == {"x": 20}
