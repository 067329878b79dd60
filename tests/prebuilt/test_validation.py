"""ValidationNode: validate tool calls without running them."""

from __future__ import annotations

import pytest

from stategraph.graph import START, StateGraph
from stategraph.graph.message import MessagesState
from stategraph.messages import AIMessage, tool_call
from stategraph.prebuilt import ValidationNode

pydantic = pytest.importorskip("pydantic")


class Point(pydantic.BaseModel):
    x: int
    y: int


def scale(factor: float) -> float:
    """Scale."""
    return factor


def test_valid_and_invalid_calls_are_answered(driver) -> None:
    node = ValidationNode([Point, scale])
    g = StateGraph(MessagesState).add_node("validation", node).add_edge(START, "validation").compile()
    calls = [tool_call("Point", {"x": 1, "y": "2"}, "a"), tool_call("Point", {"x": "no"}, "b"),
             tool_call("scale", {"factor": 2}, "c"), tool_call("other", {}, "d")]
    out = driver.run(g, {"messages": [AIMessage("", tool_calls=calls)]})["messages"][1:]
    assert [(m.tool_call_id, m.status) for m in out] == [("a", "success"), ("b", "error"), ("c", "success"), ("d", "error")]
    assert out[0].content == '{"x":1,"y":2}' and "Respond after fixing" in out[1].content
    assert node.get_name() == "validation" and set(node.schemas_by_name) == {"Point", "scale"}
