"""The stream part and payload TypedDicts describe what the tasks/checkpoints modes yield."""

from __future__ import annotations

from typing import get_args

from typing_extensions import TypedDict

import stategraph.types as types
from stategraph.checkpoint.memory import InMemorySaver
from stategraph.graph import StateGraph


class S(TypedDict):
    x: int


def test_tasks_and_checkpoints_chunks_have_the_payload_keys(driver) -> None:
    graph = (
        StateGraph(S)
        .add_node("a", lambda s: {"x": 2})
        .set_entry_point("a")
        .compile(checkpointer=InMemorySaver())
    )
    chunks = driver.stream(
        graph, {"x": 1}, {"configurable": {"thread_id": "t"}}, stream_mode=["tasks", "checkpoints"]
    )
    tasks = [data for mode, data in chunks if mode == "tasks"]
    checkpoints = [data for mode, data in chunks if mode == "checkpoints"]
    assert types.TaskPayload.__required_keys__ <= set(tasks[0])
    assert types.TaskResultPayload.__required_keys__ <= set(tasks[1])
    assert all(types.CheckpointPayload.__required_keys__ <= set(c) for c in checkpoints)
    for task in checkpoints[0]["tasks"]:
        assert (
            types.CheckpointTask.__required_keys__
            <= set(task)
            <= set(types.CheckpointTask.__annotations__)
        )


def test_stream_part_is_the_union_of_every_mode() -> None:
    members = get_args(types.StreamPart.__value__)
    modes = {get_args(getattr(m, "__origin__", m).__annotations__["type"])[0] for m in members}
    assert modes == set(get_args(types.StreamMode))
