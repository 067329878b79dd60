"""ToolNode lets a bad resume value fail the run even when it handles tool errors."""

from __future__ import annotations

import pytest

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.errors import is_invalid_resume
from stategraph.graph import START, StateGraph
from stategraph.graph.message import MessagesState
from stategraph.messages import AIMessage, tool_call
from stategraph.prebuilt import ToolNode
from stategraph.types import Command, interrupt

pytest.importorskip("pydantic")


def ask_age() -> str:
    """Ask the user for their age."""
    return f"age {interrupt('age?', response_schema=int)}"


def test_bad_resume_is_raised_not_reported_to_the_model(driver) -> None:
    tools = ToolNode([ask_age], handle_tool_errors=True)
    graph = StateGraph(MessagesState).add_node("tools", tools).add_edge(START, "tools")
    compiled = graph.compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "t"}}
    driver.run(
        compiled, {"messages": [AIMessage("", tool_calls=[tool_call("ask_age", {}, "c1")])]}, config
    )
    with pytest.raises(Exception) as info:
        driver.run(compiled, Command(resume="old"), config)
    assert is_invalid_resume(info.value)
    messages = driver.run(compiled, Command(resume=30), config)["messages"]
    assert messages[-1].content == "age 30" and messages[-1].status == "success"
