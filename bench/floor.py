"""The floor: hand-written Python doing the same node calls and state merges.

No graph library is involved. The floor is the least work any engine must do
for a workload: call every node once and fold its update into the state. An
engine's "x floor" ratio is its time divided by this one.
"""

from __future__ import annotations

import asyncio
import operator
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bench.graphs import spread_packets, work

__all__ = ["run_chain", "run_chain_async", "run_fanout", "run_gather"]

State = dict[str, Any]


def run_chain(nodes: Sequence[Callable[[State], State]], state: State) -> State:
    """Call each node in order, merging its update into a new state dict."""
    for node in nodes:
        state = {**state, **node(state)}
    return state


async def run_chain_async(
    nodes: Sequence[Callable[[State], Awaitable[State]]], state: State
) -> State:
    """Await each async node in order, merging its update into a new state dict."""
    for node in nodes:
        state = {**state, **(await node(state))}
    return state


def run_fanout(n: int) -> State:
    """Call the worker once per packet and fold each write with ``operator.add``.

    The fold is one reducer call per write, as the reducer's contract requires
    (a binary function), so a list reducer costs the same here as in an engine.
    """
    results: list[int] = []
    for update in [work(packet) for packet in spread_packets(n)]:
        results = operator.add(results, update["results"])
    return {"n": n, "results": results}


def run_gather(
    nodes: Sequence[Callable[[State], Awaitable[State]]], copies: int
) -> Awaitable[list[State]]:
    """Run ``copies`` async chains concurrently, as ``asyncio.gather`` of invocations."""
    return asyncio.gather(*(run_chain_async(nodes, {"x": 0}) for _ in range(copies)))
