"""Classes a graph's schemas declare are allowed by its checkpointer's serializer at compile."""

from __future__ import annotations

import dataclasses
import enum
import sqlite3
from typing import Annotated, Any, NamedTuple, TypedDict

from pydantic import BaseModel

from stategraph.checkpoint.sqlite import SqliteSaver
from stategraph.func import entrypoint
from stategraph.graph import START, StateGraph
from stategraph.graph._declared_types import declared_classes
from stategraph.types import Command, interrupt


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Deep(BaseModel):
    color: Color = Color.RED


class Inner(BaseModel):
    a: int = 0
    deep: Deep | None = None


@dataclasses.dataclass
class Point:
    x: int


class Pair(NamedTuple):
    left: int
    right: int


class State(TypedDict):
    inner: Inner
    points: Annotated[list[Point], lambda a, b: a + b]
    pair: Pair | None
    answer: str


class Unrelated:
    pass


def test_declared_classes_walk_annotations_at_any_depth() -> None:
    assert declared_classes([State]) == {Inner, Deep, Color, Point, Pair}
    assert declared_classes([None, int, dict[str, Unrelated]]) == set()


def _saver() -> SqliteSaver:
    return SqliteSaver(sqlite3.connect(":memory:", check_same_thread=False))


def test_a_state_of_declared_classes_round_trips_through_sqlite(driver: Any) -> None:
    def work(state: State) -> dict[str, Any]:
        inner = Inner(a=state["inner"].a + 1, deep=Deep(color=Color.BLUE))
        return {"inner": inner, "points": [Point(2)], "pair": Pair(1, 2)}

    def ask(state: State) -> dict[str, Any]:
        return {"answer": interrupt("ok?")}

    g = StateGraph(State).add_node("work", work).add_node("ask", ask)
    app = g.add_edge(START, "work").add_edge("work", "ask").compile(checkpointer=_saver())
    config = {"configurable": {"thread_id": "t"}}
    driver.run(app, {"inner": Inner(a=1), "points": [Point(1)], "pair": None, "answer": ""}, config)
    assert driver.get_state(app, config).values["inner"] == Inner(a=2, deep=Deep(color=Color.BLUE))
    out = driver.run(app, Command(resume="yes"), config)
    assert (
        out["points"] == [Point(1), Point(2)]
        and out["pair"] == Pair(1, 2)
        and out["answer"] == "yes"
    )


@dataclasses.dataclass
class Report:
    title: str


def test_an_entrypoints_annotated_types_round_trip(driver: Any) -> None:
    @entrypoint(checkpointer=_saver())
    def flow(topic: str, *, previous: Report | None = None) -> Report:
        return Report(topic + ("+" if previous else ""))

    config = {"configurable": {"thread_id": "f"}}
    assert driver.run(flow, "a", config) == Report("a")
    assert driver.run(flow, "b", config) == Report("b+")
    assert driver.get_state(flow, config).values == Report("b+")
