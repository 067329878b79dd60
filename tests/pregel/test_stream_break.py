"""A consumer that stops reading a stream after a chunk leaves that chunk's step committed."""

from __future__ import annotations

import asyncio
import operator
from typing import Annotated, Any, TypedDict

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.graph import START, StateGraph


class S(TypedDict):
    log: Annotated[list, operator.add]


def _chain() -> Any:
    builder = StateGraph(S)
    for name in ("a", "b", "c"):
        builder.add_node(name, lambda s, n=name: {"log": [n]})
    builder.add_edge(START, "a").add_edge("a", "b").add_edge("b", "c")
    return builder.compile(checkpointer=InMemorySaver())


def _first_chunks(driver: Any, graph: Any, config: dict) -> list[Any]:
    """Read the updates stream up to the chunk of node 'a', then stop reading."""
    seen: list[Any] = []
    if not driver.is_async:
        for chunk in graph.stream({"log": []}, config, stream_mode="updates"):
            seen.append(chunk)
            if "a" in chunk:
                break
        return seen

    async def read() -> None:
        stream = graph.astream({"log": []}, config, stream_mode="updates")
        async for chunk in stream:
            seen.append(chunk)
            if "a" in chunk:
                break
        await stream.aclose()

    asyncio.run(read())
    return seen


def test_breaking_after_a_chunk_keeps_its_step_saved(driver) -> None:
    graph, config = _chain(), {"configurable": {"thread_id": "t"}}
    assert _first_chunks(driver, graph, config) == [{"a": {"log": ["a"]}}]
    snapshot = driver.get_state(graph, config)
    assert snapshot.values == {"log": ["a"]}
    assert snapshot.next == ("b",)
    assert snapshot.metadata["step"] == 1
    # carrying on repeats nothing: 'a' is neither run nor streamed again
    rest = driver.stream(graph, None, config, stream_mode="updates")
    assert rest == [{"b": {"log": ["b"]}}, {"c": {"log": ["c"]}}]
