"""A node that raises CancelledError itself fails the run with NodeCancelledError (E211)."""

from __future__ import annotations

import asyncio

import pytest
from typing_extensions import TypedDict

from stategraph.errors import ErrorCode, NodeCancelledError
from stategraph.graph import StateGraph


class S(TypedDict):
    x: int


def raises_cancelled_sync(state: S) -> S:
    raise asyncio.CancelledError()


async def raises_cancelled_async(state: S) -> S:
    await asyncio.sleep(0)
    raise asyncio.CancelledError()


def graph(node):
    return StateGraph(S).add_node("fetch", node).set_entry_point("fetch").compile()


@pytest.mark.parametrize(
    "node", [raises_cancelled_sync, raises_cancelled_async], ids=["sync-node", "async-node"]
)
def test_a_node_raising_cancelled_error_fails_the_run(driver, node) -> None:
    if node is raises_cancelled_async and not driver.is_async:
        pytest.skip("async nodes need the async driver")
    with pytest.raises(NodeCancelledError) as info:
        driver.run(graph(node), {"x": 1})
    assert info.value.node == "fetch" and info.value.code is ErrorCode.RUN_NODE_CANCELLED
    assert isinstance(info.value.__cause__, asyncio.CancelledError)
    assert "[E211]" in str(info.value)


def test_cancelling_the_run_still_cancels() -> None:
    started = asyncio.Event()

    async def slow(state: S) -> S:
        started.set()
        await asyncio.sleep(30)
        return {"x": 0}

    async def main() -> None:
        run = asyncio.ensure_future(graph(slow).ainvoke({"x": 1}))
        await asyncio.wait_for(started.wait(), 10)
        run.cancel()
        with pytest.raises(asyncio.CancelledError):
            await run

    asyncio.run(main())
