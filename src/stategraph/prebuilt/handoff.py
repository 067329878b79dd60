"""Handoffs between agents, and the history rule they must keep.

A handoff is a tool whose call ends the current agent's turn with
``Command(goto=<agent>, graph=Command.PARENT, update={"messages": history + [answer]})``.
The history rule (``check_tool_history``): each AI message's tool calls are answered right
after it by exactly one tool message each, and there is no tool message without its call.
Strict providers reject anything else; every team built here keeps it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any

from ..messages import AIMessage, ToolMessage, to_langchain
from ..messages._langchain import langchain_loaded
from ..types import Command
from ._injection import ToolRuntime

__all__ = ["create_handoff_tool", "create_handoff_back_messages", "check_tool_history", "handoff_tool_name"]


def handoff_tool_name(agent_name: str, prefix: str = "transfer_to_") -> str:
    """The name of the tool that hands over to ``agent_name``: the prefix plus a snake_case name.

    Examples:
        >>> from stategraph.prebuilt.handoff import handoff_tool_name
        >>> handoff_tool_name("Flight Agent")
        'transfer_to_flight_agent'
        >>> handoff_tool_name("hotel-bot", prefix="transfer_back_to_")
        'transfer_back_to_hotel_bot'
    """
    return prefix + re.sub(r"\W+", "_", agent_name.strip()).strip("_").lower()


def _native(message: Any) -> Any:
    return to_langchain(message) if langchain_loaded() else message


def create_handoff_tool(
    *,
    agent_name: str,
    name: str | None = None,
    description: str | None = None,
    add_handoff_messages: bool = True,
    extra_update: dict[str, Any] | None = None,
) -> Any:
    """A tool that hands the conversation to ``agent_name`` in the parent graph.

    With ``add_handoff_messages=False`` the AI message that called the tool (and its answers)
    is left out of the history instead of leaving an unanswered call behind.

    Examples:
        An agent (a subgraph) calls the tool, and the parent graph moves on to ``hotels``:

        >>> from stategraph.graph import START, MessagesState, StateGraph
        >>> from stategraph.prebuilt import create_react_agent
        >>> from stategraph.prebuilt.handoff import create_handoff_tool
        >>> from stategraph.testing import FakeChatModel, ai, call
        >>> to_hotels = create_handoff_tool(agent_name="hotels")
        >>> to_hotels.__name__, to_hotels.__doc__
        ('transfer_to_hotels', "Ask agent 'hotels' for help.")
        >>> model = FakeChatModel([ai("", call("transfer_to_hotels", {}, "call-1"))])
        >>> triage = create_react_agent(model, [to_hotels], name="triage")
        >>> def hotels(state: MessagesState) -> dict:
        ...     return {"messages": [("ai", "Hotels desk: which city?")]}
        >>> graph = (StateGraph(MessagesState)
        ...          .add_node("triage", triage, destinations=("hotels",)).add_node("hotels", hotels)
        ...          .add_edge(START, "triage").compile())
        >>> for m in graph.invoke({"messages": [("user", "I need a hotel.")]})["messages"]:
        ...     print(m.type, repr(m.content))
        human 'I need a hotel.'
        ai ''
        tool 'Successfully transferred to hotels'
        ai 'Hotels desk: which city?'
    """
    tool_name = name or handoff_tool_name(agent_name)

    def handoff(runtime: ToolRuntime) -> Command:
        messages = list((runtime.state or {}).get("messages", []) if isinstance(runtime.state, dict)
                        else getattr(runtime.state, "messages", []))
        answer = _native(ToolMessage(f"Successfully transferred to {agent_name}", name=tool_name,
                                     tool_call_id=runtime.tool_call_id or ""))
        if add_handoff_messages:
            history = [*messages, answer]
        else:
            history = _without_call(messages, runtime.tool_call_id)
        return Command(goto=agent_name, graph=Command.PARENT, update={"messages": history, **(extra_update or {})})

    handoff.__name__ = tool_name
    handoff.__doc__ = description or f"Ask agent '{agent_name}' for help."
    handoff.__handoff_destination__ = agent_name  # type: ignore[attr-defined]
    return handoff


def _without_call(messages: list[Any], call_id: str | None) -> list[Any]:
    """Drop the AI message that made call ``call_id`` and every tool message answering it."""
    for i in range(len(messages) - 1, -1, -1):
        calls = getattr(messages[i], "tool_calls", None) or []
        if any(c.get("id") == call_id for c in calls):
            ids = {c.get("id") for c in calls}
            rest = [m for m in messages[i + 1:] if getattr(m, "tool_call_id", None) not in ids]
            return messages[:i] + rest
    return messages


def create_handoff_back_messages(agent_name: str, supervisor_name: str) -> list[Any]:
    """An answered ``transfer_back_to_<supervisor>`` call: marks the return to the supervisor.

    Examples:
        >>> from stategraph.prebuilt.handoff import check_tool_history, create_handoff_back_messages
        >>> call, answer = create_handoff_back_messages("flights", "supervisor")
        >>> call.name, call.content, call.tool_calls[0]["name"]
        ('flights', 'Transferring back to supervisor', 'transfer_back_to_supervisor')
        >>> answer.content, answer.tool_call_id == call.tool_calls[0]["id"]
        ('Successfully transferred back to supervisor', True)
        >>> check_tool_history([call, answer])
        []
    """
    call_id = str(uuid.uuid4())
    tool_name = handoff_tool_name(supervisor_name, "transfer_back_to_")
    ai = AIMessage(f"Transferring back to {supervisor_name}", name=agent_name,
                   tool_calls=[{"name": tool_name, "args": {}, "id": call_id}])
    answer = ToolMessage(f"Successfully transferred back to {supervisor_name}", name=tool_name, tool_call_id=call_id)
    return [_native(ai), _native(answer)]


def check_tool_history(messages: Sequence[Any]) -> list[str]:
    """Every violation of the history rule, as readable strings (empty when valid).

    Examples:
        >>> from stategraph.messages import AIMessage, HumanMessage, ToolMessage
        >>> from stategraph.prebuilt.handoff import check_tool_history
        >>> asks = AIMessage("", tool_calls=[{"name": "add", "args": {"a": 1}, "id": "call-1"}])
        >>> check_tool_history([HumanMessage("1 + 1?"), asks, ToolMessage("2", tool_call_id="call-1")])
        []
        >>> check_tool_history([asks, HumanMessage("Well?")])
        ["message 1: human message arrives while tool calls ['call-1'] are unanswered"]
        >>> check_tool_history([ToolMessage("2", tool_call_id="call-9")])
        ["message 0: tool message answers 'call-9', which no preceding AI call left open"]
    """
    problems: list[str] = []
    open_calls: dict[str, str] = {}
    for i, m in enumerate(messages):
        kind = getattr(m, "type", None)
        if kind == "tool":
            call_id = getattr(m, "tool_call_id", None)
            if call_id in open_calls:
                del open_calls[call_id]
            else:
                problems.append(f"message {i}: tool message answers {call_id!r}, which no preceding AI call left open")
            continue
        if open_calls:
            problems.append(f"message {i}: {kind} message arrives while tool calls {sorted(open_calls)} are unanswered")
            open_calls.clear()
        if kind == "ai":
            for c in getattr(m, "tool_calls", None) or []:
                open_calls[c.get("id")] = c["name"]
    if open_calls:
        problems.append(f"end of history: tool calls {sorted(open_calls)} are unanswered")
    return problems
