"""stream(..., version="v2"): StreamPart dicts with type, ns, data (and interrupts for values)."""

from __future__ import annotations

import pytest
from typing_extensions import TypedDict

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.config import get_stream_writer
from stategraph.graph import StateGraph
from stategraph.types import interrupt


class S(TypedDict):
    x: int


def bump(state: S) -> S:
    get_stream_writer()({"progress": 1})
    return {"x": state["x"] + 1}


def ask(state: S) -> S:
    return {"x": interrupt("how many?")}


def test_parts_for_each_mode_and_interrupts_in_their_own_field(driver) -> None:
    graph = (
        StateGraph(S)
        .add_node("bump", bump)
        .add_node("ask", ask)
        .add_edge("bump", "ask")
        .set_entry_point("bump")
    )
    compiled = graph.compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "t"}}
    parts = driver.stream(
        compiled, {"x": 0}, config, stream_mode=["values", "updates", "custom"], version="v2"
    )
    assert [(p["type"], p["ns"]) for p in parts] == [
        ("values", ()), ("custom", ()), ("updates", ()), ("values", ()), ("updates", ()), ("values", ()),
    ]  # fmt: skip
    assert parts[0] == {"type": "values", "ns": (), "data": {"x": 0}, "interrupts": ()}
    assert parts[1]["data"] == {"progress": 1} and parts[2]["data"] == {"bump": {"x": 1}}
    last = parts[-1]
    assert last["data"] == {"x": 1} and [i.value for i in last["interrupts"]] == ["how many?"]
    assert "__interrupt__" in parts[-2]["data"]


def test_v1_is_unchanged_and_invoke_passes_the_version(driver) -> None:
    graph = StateGraph(S).add_node("bump", bump).set_entry_point("bump").compile()
    assert driver.stream(graph, {"x": 0}, stream_mode="updates") == [{"bump": {"x": 1}}]
    parts = driver.run(graph, {"x": 0}, stream_mode=["updates"], version="v2")
    assert parts == [{"type": "updates", "ns": (), "data": {"bump": {"x": 1}}}]


def test_subgraph_parts_carry_their_namespace(driver) -> None:
    inner = StateGraph(S).add_node("bump", bump).set_entry_point("bump").compile()
    outer = StateGraph(S).add_node("inner", inner).set_entry_point("inner").compile()
    parts = driver.stream(outer, {"x": 0}, stream_mode="updates", subgraphs=True, version="v2")
    namespaces = [p["ns"] for p in parts]
    assert namespaces[-1] == () and any(ns and ns[0].startswith("inner:") for ns in namespaces)


def test_root_values_are_coerced_to_a_model_output_schema(driver) -> None:
    pydantic = pytest.importorskip("pydantic")

    class State(pydantic.BaseModel):
        x: int

    graph = (
        StateGraph(State)
        .add_node("bump", lambda s: {"x": s.x + 1})
        .set_entry_point("bump")
        .compile()
    )
    parts = driver.stream(graph, {"x": 0}, stream_mode="values", version="v2")
    assert [p["data"] for p in parts] == [State(x=0), State(x=1)]
