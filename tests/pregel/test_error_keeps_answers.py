"""A task that fails after interrupt() got its answer keeps that answer for its retry."""

from __future__ import annotations

import operator
from typing import Annotated, Any

import pytest
from typing_extensions import TypedDict

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.graph import START, StateGraph
from stategraph.types import Command, interrupt


class S(TypedDict):
    v: Annotated[list, operator.add]


@pytest.mark.parametrize("durability", ["exit", "async", "sync"])
def test_retry_after_a_failure_reuses_the_answer(driver: Any, durability: str) -> None:
    fail = [True]

    def ask(state: S) -> S:
        answer = interrupt("a")
        if fail[0]:
            raise ValueError("late")
        return {"v": [answer]}

    saver = InMemorySaver()
    graph = StateGraph(S).add_node("ask", ask).add_edge(START, "ask").compile(checkpointer=saver)
    config = {"configurable": {"thread_id": "t"}}
    driver.run(graph, {"v": []}, config, durability=durability)
    with pytest.raises(ValueError, match="late"):
        driver.run(graph, Command(resume="A"), config, durability=durability)
    saved = saver.get_tuple(config)
    assert ("__resume__", ["A"]) in [(ch, v) for _, ch, v in saved.pending_writes]
    fail[0] = False
    assert driver.run(graph, None, config, durability=durability) == {"v": ["A"]}


def test_a_new_resume_after_the_failure_replaces_the_kept_answer(driver: Any) -> None:
    # deliberate difference (docs/migration.md): LangGraph would reuse "A" here
    fail = [True]

    def ask(state: S) -> S:
        answer = interrupt("a")
        if fail[0]:
            raise ValueError("late")
        return {"v": [answer]}

    graph = (
        StateGraph(S)
        .add_node("ask", ask)
        .add_edge(START, "ask")
        .compile(checkpointer=InMemorySaver())
    )
    config = {"configurable": {"thread_id": "t"}}
    driver.run(graph, {"v": []}, config)
    with pytest.raises(ValueError, match="late"):
        driver.run(graph, Command(resume="A"), config)
    fail[0] = False
    assert driver.run(graph, Command(resume="B"), config) == {"v": ["B"]}
