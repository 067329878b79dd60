"""stategraph.prebuilt.tool_validator: LangGraph's path to ValidationNode."""

from __future__ import annotations

import pytest

from stategraph.graph import START, StateGraph
from stategraph.graph.message import MessagesState
from stategraph.messages import AIMessage, tool_call
from stategraph.prebuilt import ValidationNode as FromPackage
from stategraph.prebuilt.tool_validator import ValidationNode

pydantic = pytest.importorskip("pydantic")


class Point(pydantic.BaseModel):
    x: int


def test_the_old_path_validates_tool_calls(driver) -> None:
    assert ValidationNode is FromPackage
    graph = (
        StateGraph(MessagesState)
        .add_node("check", ValidationNode([Point]))
        .add_edge(START, "check")
        .compile()
    )
    calls = [tool_call("Point", {"x": "3"}, "ok"), tool_call("Point", {"x": "three"}, "bad")]
    out = driver.run(graph, {"messages": [AIMessage("", tool_calls=calls)]})["messages"][1:]
    # an invalid call is marked as LangGraph marks it (is_error) when langchain messages are in
    # use, else by its status
    def failed(m) -> bool:
        return m.status == "error" or bool(getattr(m, "additional_kwargs", {}).get("is_error"))

    assert [(m.tool_call_id, failed(m)) for m in out] == [("ok", False), ("bad", True)]
