"""add_human_in_the_loop: accept, edit, respond, ignore, and refused response types."""

from __future__ import annotations

import pytest

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.graph import START, StateGraph
from stategraph.graph.message import MessagesState
from stategraph.messages import AIMessage, tool_call
from stategraph.prebuilt import ToolNode
from stategraph.prebuilt.interrupt import add_human_in_the_loop
from stategraph.types import Command


def send_mail(to: str) -> str:
    """Send a mail."""
    return f"sent to {to}"


def _run(response: dict, **kw) -> str:
    g = (StateGraph(MessagesState).add_node("tools", ToolNode([add_human_in_the_loop(send_mail, **kw)]))
         .add_edge(START, "tools").compile(checkpointer=InMemorySaver()))
    config = {"configurable": {"thread_id": "t"}}
    g.invoke({"messages": [AIMessage("", tool_calls=[tool_call("send_mail", {"to": "ann"}, "c")])]}, config)
    return g.invoke(Command(resume=[response]), config)["messages"][-1].content


@pytest.mark.parametrize(("response", "content"), [
    ({"type": "accept", "args": None}, "sent to ann"),
    ({"type": "edit", "args": {"action": "send_mail", "args": {"to": "bob"}}}, "sent to bob"),
    ({"type": "response", "args": "not now"}, "The user answered instead of running the tool: not now"),
    ({"type": "ignore", "args": None}, "The user chose not to run 'send_mail'."),
])
def test_review_outcomes(response: dict, content: str) -> None:
    assert _run(response) == content


def test_disallowed_response_types_fail() -> None:
    config = {"allow_ignore": False, "allow_respond": False, "allow_edit": False, "allow_accept": True}
    with pytest.raises(ValueError, match="allowed types: \\['accept'\\]"):
        _run({"type": "edit", "args": {}}, interrupt_config=config)


def test_the_wrapped_tool_keeps_its_schema_and_async_tools_are_refused() -> None:
    spec = ToolNode([add_human_in_the_loop(send_mail)]).tool_specs[0]["function"]
    assert spec["name"] == "send_mail" and list(spec["parameters"]["properties"]) == ["to"]

    async def later() -> None:
        """Async."""

    with pytest.raises(TypeError, match="sync function"):
        add_human_in_the_loop(later)
