"""Workload graphs, written once against the LangGraph API.

Every builder takes ``lib``, the import root (``"langgraph"`` or ``"stategraph"``),
and imports the public modules under it, so one definition measures both
libraries. Node functions are module-level so the floor loops call the very
same functions. Importing this module imports neither library.
"""

from __future__ import annotations

import asyncio
import importlib
import itertools
import operator
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Annotated, Any, TypedDict

__all__ = [
    "WIDE_KEYS",
    "FanState",
    "SeqState",
    "WideState",
    "ai_text",
    "api",
    "build_chain",
    "build_chat",
    "build_fanout",
    "build_interrupt_loop",
    "build_seq",
    "human_text",
    "increment",
    "nap",
    "spread_packets",
    "wide_nodes",
    "work",
]

Node = Callable[[Any], Any]


def api(lib: str, module: str) -> ModuleType:
    """Import ``<lib>.<module>``, e.g. ``api("stategraph", "graph")``."""
    return importlib.import_module(f"{lib}.{module}")


# --- sequential chains -------------------------------------------------------


class SeqState(TypedDict):
    x: int


def increment(state: SeqState) -> dict[str, int]:
    """The trivial node of the chain workloads."""
    return {"x": state["x"] + 1}


async def nap(state: SeqState) -> dict[str, int]:
    """The async node: wait 10 ms, then increment."""
    await asyncio.sleep(0.01)
    return {"x": state["x"] + 1}


def build_chain(lib: str, schema: type, nodes: Sequence[Node], *, checkpointer: Any = None) -> Any:
    """Compile START -> n0 -> n1 -> ... -> END over ``nodes``."""
    graph = api(lib, "graph")
    builder = graph.StateGraph(schema)
    names = [f"n{i}" for i in range(len(nodes))]
    for name, node in zip(names, nodes, strict=True):
        builder.add_node(name, node)
    builder.add_edge(graph.START, names[0])
    for before, after in itertools.pairwise(names):
        builder.add_edge(before, after)
    builder.add_edge(names[-1], graph.END)
    return builder.compile(checkpointer=checkpointer)


def build_seq(lib: str, length: int, *, checkpointer: Any = None) -> Any:
    """A chain of ``length`` :func:`increment` nodes."""
    return build_chain(lib, SeqState, [increment] * length, checkpointer=checkpointer)


# --- Send fan-out --------------------------------------------------------------


class FanState(TypedDict):
    n: int
    results: Annotated[list[int], operator.add]


def work(packet: dict[str, int]) -> dict[str, list[int]]:
    """The fan-out worker: one result per packet."""
    return {"results": [packet["i"] * 2]}


def spread_packets(n: int) -> list[dict[str, int]]:
    """The packets the fan-out sends, one per worker."""
    return [{"i": i} for i in range(n)]


def build_fanout(lib: str) -> Any:
    """START --Send x n--> work -> END, results folded with ``operator.add``."""
    graph, types = api(lib, "graph"), api(lib, "types")

    def spread(state: FanState) -> list[Any]:
        return [types.Send("work", packet) for packet in spread_packets(state["n"])]

    builder = graph.StateGraph(FanState)
    builder.add_node("work", work)
    builder.add_conditional_edges(graph.START, spread, ["work"])
    builder.add_edge("work", graph.END)
    return builder.compile()


# --- wide state ------------------------------------------------------------------

WIDE_KEYS = [f"k{i:03d}" for i in range(200)]
WideState = TypedDict("WideState", {key: int for key in WIDE_KEYS})  # type: ignore[misc]


def wide_nodes(count: int, touched: int = 3) -> list[Node]:
    """``count`` nodes, each incrementing ``touched`` of the 200 keys."""

    def make(index: int) -> Node:
        keys = [WIDE_KEYS[(index * 7 + m) % len(WIDE_KEYS)] for m in range(touched)]

        def node(state: dict[str, int]) -> dict[str, int]:
            return {key: state[key] + 1 for key in keys}

        return node

    return [make(index) for index in range(count)]


# --- message thread ------------------------------------------------------------


HUMAN_TEMPLATE = "Turn {turn:05d}: could you summarise what we said so far and suggest a next step?"
AI_TEMPLATE = (
    "Reply {turn:05d}: so far we covered the plan; next, check the numbers and write it up."
)
MESSAGE_CHARS = 100


def human_text(turn: int) -> str:
    """The 100-character human message of ``turn``."""
    return HUMAN_TEMPLATE.format(turn=turn).ljust(MESSAGE_CHARS, ".")[:MESSAGE_CHARS]


def ai_text(turn: int) -> str:
    """The 100-character AI reply of ``turn``."""
    return AI_TEMPLATE.format(turn=turn).ljust(MESSAGE_CHARS, ".")[:MESSAGE_CHARS]


def build_chat(lib: str, checkpointer: Any) -> Any:
    """START -> reply -> END over ``MessagesState`` (``add_messages`` reducer)."""
    graph = api(lib, "graph")

    def reply(state: dict[str, Any]) -> dict[str, Any]:
        turn = (len(state["messages"]) + 1) // 2
        return {"messages": [{"role": "assistant", "content": ai_text(turn)}]}

    builder = graph.StateGraph(graph.MessagesState)
    builder.add_node("reply", reply)
    builder.add_edge(graph.START, "reply")
    builder.add_edge("reply", graph.END)
    return builder.compile(checkpointer=checkpointer)


# --- interrupt / resume ------------------------------------------------------------


class AskState(TypedDict):
    count: int
    limit: int
    answers: Annotated[list[int], operator.add]


def build_interrupt_loop(lib: str, checkpointer: Any) -> Any:
    """A node that interrupts, then loops back to itself until ``limit`` answers."""
    graph, types = api(lib, "graph"), api(lib, "types")

    def ask(state: AskState) -> dict[str, Any]:
        answer = types.interrupt(state["count"])
        return {"count": state["count"] + 1, "answers": [answer]}

    def again(state: AskState) -> str:
        return "ask" if state["count"] < state["limit"] else graph.END

    builder = graph.StateGraph(AskState)
    builder.add_node("ask", ask)
    builder.add_edge(graph.START, "ask")
    builder.add_conditional_edges("ask", again, ["ask", graph.END])
    return builder.compile(checkpointer=checkpointer)
