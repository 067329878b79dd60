"""Node and task timeouts: NodeTimeoutError names the node and is retried by the default policy."""

from __future__ import annotations

import asyncio
from typing import TypedDict

import pytest

from stategraph.errors import NodeTimeoutError
from stategraph.func import entrypoint, task
from stategraph.graph import END, START, StateGraph
from stategraph.types import RetryPolicy


class S(TypedDict):
    x: int


def test_async_node_timeout_names_the_node_and_is_retried() -> None:
    attempts: list[int] = []

    async def slow(state: S) -> dict:
        attempts.append(1)
        await asyncio.sleep(0.5 if len(attempts) == 1 else 0)
        return {"x": state["x"] + 1}

    g = (StateGraph(S).add_node("slow", slow, timeout=0.05,
                                retry_policy=RetryPolicy(initial_interval=0.001, jitter=False))
         .add_edge(START, "slow").add_edge("slow", END).compile())
    assert asyncio.run(g.ainvoke({"x": 1})) == {"x": 2}
    assert len(attempts) == 2


def test_timeout_error_without_retry() -> None:
    async def slow(state: S) -> dict:
        await asyncio.sleep(0.5)
        return {}

    g = StateGraph(S).add_node("slow", slow, timeout=0.02).add_edge(START, "slow").compile()
    with pytest.raises(NodeTimeoutError) as info:
        asyncio.run(g.ainvoke({"x": 1}))
    assert info.value.node == "slow" and "slow" in str(info.value)


def test_sync_node_with_timeout_is_rejected_at_build() -> None:
    with pytest.raises(ValueError, match="needs an async node"):
        StateGraph(S).add_node("n", lambda s: s, timeout=1.0)


def test_task_timeout() -> None:
    @task(timeout=0.02)
    async def slow() -> int:
        await asyncio.sleep(0.5)
        return 1

    @entrypoint()
    async def flow(_: int) -> int:
        return await slow()

    with pytest.raises(NodeTimeoutError):
        asyncio.run(flow.ainvoke(0))
