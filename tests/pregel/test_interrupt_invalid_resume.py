"""A resume value that fails interrupt(response_schema=...) is marked for is_invalid_resume."""

from __future__ import annotations

import pytest
from typing_extensions import TypedDict

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.errors import is_invalid_resume
from stategraph.graph import StateGraph
from stategraph.types import Command, interrupt

pytest.importorskip("pydantic")


class S(TypedDict):
    age: int


def ask(state: S) -> S:
    return {"age": interrupt("age?", response_schema=int)}


def test_a_bad_resume_is_marked_and_a_good_one_still_works(driver) -> None:
    graph = (
        StateGraph(S)
        .add_node("ask", ask)
        .set_entry_point("ask")
        .compile(checkpointer=InMemorySaver())
    )
    config = {"configurable": {"thread_id": "t"}}
    driver.run(graph, {"age": 0}, config)
    with pytest.raises(Exception) as info:
        driver.run(graph, Command(resume="not a number"), config)
    assert is_invalid_resume(info.value)
    assert driver.run(graph, Command(resume=41), config)["age"] == 41


def test_other_errors_are_not_marked() -> None:
    assert not is_invalid_resume(ValueError("x")) and not is_invalid_resume(RuntimeError())
