"""update_state(as_node="__input__") on a paused thread keeps the tasks still pending."""

from __future__ import annotations

import operator
from typing import Annotated, Any

from typing_extensions import TypedDict

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.graph import START, StateGraph


class S(TypedDict):
    v: Annotated[list, operator.add]


def test_pending_task_runs_beside_the_new_input(driver: Any) -> None:
    graph = (
        StateGraph(S)
        .add_node("a", lambda s: {"v": ["a"]})
        .add_node("b", lambda s: {"v": ["b"]})
        .add_edge(START, "a")
        .add_edge("a", "b")
        .compile(checkpointer=InMemorySaver(), interrupt_after=["a"])
    )
    config = {"configurable": {"thread_id": "t"}}
    driver.run(graph, {"v": []}, config)
    assert driver.get_state(graph, config).next == ("b",)
    driver.update_state(graph, config, {"v": ["U"]}, as_node="__input__")
    snap = driver.get_state(graph, config)
    assert snap.metadata["source"] == "input"
    assert snap.next == ("__start__", "b")
    # the input and b run in one step, then a again (after which the run pauses once more)
    assert driver.run(graph, None, config) == {"v": ["a", "U", "b", "a"]}
