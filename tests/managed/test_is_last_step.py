"""IsLastStep / RemainingSteps imported from LangGraph's module path work in a run."""

from __future__ import annotations

from typing_extensions import TypedDict

from stategraph.graph import StateGraph
from stategraph.managed.is_last_step import IsLastStep, RemainingSteps


class S(TypedDict):
    seen: list
    remaining: RemainingSteps
    last: IsLastStep


def record(state: S) -> dict:
    return {"seen": [*state["seen"], (state["remaining"], state["last"])]}


def test_values_are_computed_per_step(driver) -> None:
    graph = (
        StateGraph(S)
        .add_node("a", record)
        .add_node("b", record)
        .add_edge("a", "b")
        .set_entry_point("a")
    )
    compiled = graph.compile()
    assert driver.run(compiled, {"seen": []}, {"recursion_limit": 3})["seen"] == [
        (2, False),
        (1, True),
    ]
    assert driver.run(compiled, {"seen": []}, {"recursion_limit": 10})["seen"] == [
        (9, False),
        (8, False),
    ]
