"""A langchain-core Runnable given as a node is adapted at the edge (only when it is installed)."""

from __future__ import annotations

import asyncio
from typing import TypedDict

import pytest

from stategraph.graph import END, START, StateGraph

lc = pytest.importorskip("langchain_core.runnables")


class S(TypedDict):
    text: str


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_runnable_lambda_as_node(mode: str) -> None:
    seen_configs = []

    def shout(state: dict, config) -> dict:
        seen_configs.append(config["metadata"]["langgraph_node"])
        return {"text": state["text"].upper()}

    node = lc.RunnableLambda(shout)
    g = StateGraph(S).add_node("shout", node).add_edge(START, "shout").add_edge("shout", END).compile()
    if mode == "sync":
        out = g.invoke({"text": "hi"})
    else:
        out = asyncio.run(g.ainvoke({"text": "hi"}))
    assert out == {"text": "HI"}
    assert seen_configs == ["shout"]


def test_compiled_graph_is_usable_inside_lcel_chain() -> None:
    g = StateGraph(S).add_node("a", lambda s: {"text": s["text"] + "!"}).add_edge(START, "a").compile()
    chain = lc.RunnableLambda(lambda x: {"text": x}) | lc.RunnableLambda(g.invoke)
    assert chain.invoke("hey") == {"text": "hey!"}
