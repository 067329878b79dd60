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


def test_valid_and_invalid_calls_are_answered(driver, monkeypatch: pytest.MonkeyPatch) -> None:
    import stategraph.prebuilt.validation as validation

    monkeypatch.setattr(validation, "langchain_loaded", lambda: False)
    node = ValidationNode([Point, scale])
    g = StateGraph(MessagesState).add_node("validation", node).add_edge(START, "validation").compile()
    calls = [tool_call("Point", {"x": 1, "y": "2"}, "a"), tool_call("Point", {"x": "no"}, "b"),
             tool_call("scale", {"factor": 2}, "c")]
    out = driver.run(g, {"messages": [AIMessage("", tool_calls=calls)]})["messages"][1:]
    assert [(m.tool_call_id, m.status) for m in out] == [("a", "success"), ("b", "error"), ("c", "success")]
    assert out[0].content == '{"x":1,"y":2}' and out[2].content == '{"factor":2.0}'
    assert out[1].content.startswith("2 validation errors for Point") and "Respond after fixing" in out[1].content
    assert node.get_name() == "validation" and set(node.schemas_by_name) == {"Point", "scale"}


def test_errors_are_marked_is_error_on_langchain_messages_and_unknown_tools_raise() -> None:
    lc_tools = pytest.importorskip("langchain_core.tools")
    import stategraph.prebuilt.validation as validation

    assert validation.langchain_loaded()
    node = ValidationNode([Point])
    [bad] = node.invoke([AIMessage("", tool_calls=[tool_call("Point", {"x": "no"}, "b")])])
    assert (bad.status, bad.additional_kwargs) == ("success", {"is_error": True})  # LangGraph's marking
    with pytest.raises(KeyError):
        node.invoke({"messages": [AIMessage("", tool_calls=[tool_call("other", {}, "d")])]})
    with pytest.raises(ValueError, match="AI message last"):
        node.invoke({"messages": [("user", "x")]})

    @lc_tools.tool
    def area(w: int, h: int) -> int:
        """Area."""
        return w * h

    assert ValidationNode([area]).schemas_by_name["area"] is area.args_schema
    with pytest.raises(ValueError, match="pydantic models, tools or functions"):
        ValidationNode([42])
