"""Generative UI messages: streamed on ``custom`` and reduced by id into a state key."""

from __future__ import annotations

from typing import Annotated, TypedDict

import pytest

from stategraph.graph import START, StateGraph
from stategraph.graph.ui import (
    AnyUIMessage,
    delete_ui_message,
    push_ui_message,
    ui_message_reducer,
)


class State(TypedDict):
    ui: Annotated[list[AnyUIMessage], ui_message_reducer]
    side: Annotated[list[AnyUIMessage], ui_message_reducer]


def _graph() -> object:
    def show(state: State) -> dict:
        push_ui_message("card", {"a": 1}, id="c", metadata={"k": 1}, message={"id": "m1"})
        push_ui_message("card", {"b": 2}, id="c", merge=True)
        push_ui_message("spin", {}, id="s", state_key="side")
        push_ui_message("toast", {}, id="t", state_key=None)  # streamed only
        return {}

    def clear(state: State) -> dict:
        delete_ui_message("s", state_key="side")
        return {}

    return (
        StateGraph(State)
        .add_node(show)
        .add_node(clear)
        .add_edge(START, "show")
        .add_edge("show", "clear")
        .compile()
    )


def test_push_and_delete_stream_and_reduce(driver) -> None:
    chunks = driver.stream(
        _graph(), {"ui": [], "side": []}, {"tags": ["t1"]}, stream_mode=["custom", "values"]
    )
    custom = [c for mode, c in chunks if mode == "custom"]
    assert [(c["type"], c["id"]) for c in custom] == [
        ("ui", "c"),
        ("ui", "c"),
        ("ui", "s"),
        ("ui", "t"),
        ("remove-ui", "s"),
    ]
    first = custom[0]["metadata"]
    assert first == {
        "merge": False,
        "run_id": None,
        "tags": ["t1"],
        "name": None,
        "k": 1,
        "message_id": "m1",
    }
    final = chunks[-1][1]
    assert [(m["id"], m["props"]) for m in final["ui"]] == [("c", {"a": 1, "b": 2})]
    assert final["side"] == []


def test_reducer_rules() -> None:
    one = {"type": "ui", "id": "1", "name": "x", "props": {"p": 1}, "metadata": {}}
    assert ui_message_reducer(one, []) == [one]
    replaced = {**one, "props": {"q": 2}}
    assert ui_message_reducer([one], replaced) == [replaced]
    # removed and re-added in one update: the new one stays
    assert ui_message_reducer([one], [{"type": "remove-ui", "id": "1"}, replaced]) == [replaced]
    with pytest.raises(ValueError, match=r"doesn't exist \('9'\)"):
        ui_message_reducer([one], {"type": "remove-ui", "id": "9"})


def test_outside_a_node_is_a_clear_error() -> None:
    with pytest.raises(RuntimeError):
        push_ui_message("card", {})
