"""stategraph.pregel.debug: the payload types, matching what the debug stream yields."""

from __future__ import annotations

from typing_extensions import TypedDict

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.graph import StateGraph
from stategraph.pregel.debug import CheckpointPayload, TaskPayload, TaskResultPayload


class S(TypedDict):
    x: int


def test_debug_events_carry_the_documented_payload_keys(driver) -> None:
    graph = StateGraph(S).add_node("a", lambda s: {"x": s["x"] + 1}).set_entry_point("a")
    compiled = graph.compile(checkpointer=InMemorySaver())
    events = driver.stream(
        compiled, {"x": 1}, {"configurable": {"thread_id": "t"}}, stream_mode="debug"
    )
    shapes = {
        "task": TaskPayload,
        "task_result": TaskResultPayload,
        "checkpoint": CheckpointPayload,
    }
    assert {e["type"] for e in events} == set(shapes)
    for event in events:
        required = shapes[event["type"]].__required_keys__
        assert required <= set(event["payload"]), (event["type"], set(event["payload"]))
