"""create_swarm: agents hand the conversation to each other; the last one keeps talking next turn.

Each agent gets handoff tools (``create_handoff_tool``) that jump to another agent and record it
in ``active_agent``.  The graph starts at the active agent (``default_active_agent`` on a new
thread), so with a checkpointer the conversation resumes where it was handed last.
"""

# why: no `from __future__ import annotations`: TypedDict on 3.11 reads NotRequired only
# from evaluated annotations, so string ones would list every key as required
from collections.abc import Sequence
from typing import Any, NotRequired

from ..constants import START
from ..graph.message import MessagesState
from .handoff import check_tool_history, handoff_tool_name
from .handoff import create_handoff_tool as _create_handoff_tool

__all__ = ["SwarmState", "create_swarm", "create_handoff_tool", "add_active_agent_router", "check_tool_history"]


class SwarmState(MessagesState):
    """The team state: the conversation plus which agent speaks next.

    Examples:
        ``active_agent`` is optional; given, the team starts with that agent:

        >>> from stategraph.prebuilt import create_react_agent
        >>> from stategraph.prebuilt.swarm import SwarmState, create_swarm
        >>> from stategraph.testing import FakeChatModel
        >>> alice = create_react_agent(FakeChatModel(["Alice here."]), [], name="alice")
        >>> bob = create_react_agent(FakeChatModel(["Bob here."]), [], name="bob")
        >>> team = create_swarm([alice, bob], default_active_agent="alice").compile()
        >>> state: SwarmState = {"messages": [("user", "Hi Bob")], "active_agent": "bob"}
        >>> team.invoke(state)["messages"][-1].content
        'Bob here.'
        >>> sorted(SwarmState.__optional_keys__)
        ['active_agent']
    """

    active_agent: NotRequired[str]


def create_handoff_tool(*, agent_name: str, name: str | None = None, description: str | None = None) -> Any:
    """A tool that hands the conversation to ``agent_name`` and makes it the active agent.

    Examples:
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.prebuilt import create_react_agent
        >>> from stategraph.prebuilt.swarm import create_handoff_tool, create_swarm
        >>> from stategraph.testing import FakeChatModel, ai, call
        >>> alice = create_react_agent(FakeChatModel([ai("", call("transfer_to_bob", {}, "a-1"))]),
        ...                            [create_handoff_tool(agent_name="bob")], name="alice")
        >>> bob = create_react_agent(FakeChatModel(["Bob here.", "Still Bob."]),
        ...                          [create_handoff_tool(agent_name="alice")], name="bob")
        >>> team = create_swarm([alice, bob], default_active_agent="alice").compile(
        ...     checkpointer=InMemorySaver())
        >>> config = {"configurable": {"thread_id": "swarm-1"}}
        >>> out = team.invoke({"messages": [("user", "Can I talk to Bob?")]}, config)
        >>> out["active_agent"], [m.content for m in out["messages"][-2:]]
        ('bob', ['Successfully transferred to bob', 'Bob here.'])
    """
    return _create_handoff_tool(agent_name=agent_name, name=name or handoff_tool_name(agent_name),
                                description=description, extra_update={"active_agent": agent_name})


def _destinations(agent: Any, names: list[str]) -> tuple[str, ...]:
    found: list[str] = []
    for node in getattr(agent, "nodes", {}).values():
        bound = getattr(node, "bound", None)
        for tool in getattr(bound, "tools_by_name", {}).values():
            dest = getattr(tool, "__handoff_destination__", None)
            if dest in names and dest not in found:
                found.append(dest)
    return tuple(found)


def add_active_agent_router(builder: Any, *, route_to: list[str], default_active_agent: str) -> Any:
    """Start ``builder``'s graph at ``state["active_agent"]`` (or ``default_active_agent``).

    Examples:
        >>> from stategraph.graph import StateGraph
        >>> from stategraph.prebuilt.swarm import SwarmState, add_active_agent_router
        >>> def alice(state: SwarmState) -> dict:
        ...     return {"messages": [("ai", "Alice here.")]}
        >>> def bob(state: SwarmState) -> dict:
        ...     return {"messages": [("ai", "Bob here.")]}
        >>> builder = StateGraph(SwarmState).add_node("alice", alice).add_node("bob", bob)
        >>> graph = add_active_agent_router(
        ...     builder, route_to=["alice", "bob"], default_active_agent="alice").compile()
        >>> graph.invoke({"messages": [("user", "Hi")]})["messages"][-1].content
        'Alice here.'
        >>> graph.invoke({"messages": [("user", "Hi")], "active_agent": "bob"})["messages"][-1].content
        'Bob here.'
    """
    if default_active_agent not in route_to:
        raise ValueError(f"default_active_agent {default_active_agent!r} is not one of the agents {route_to}.")

    def route_to_active_agent(state: Any) -> str:
        active = state.get("active_agent") if isinstance(state, dict) else getattr(state, "active_agent", None)
        return active or default_active_agent

    builder.add_conditional_edges(START, route_to_active_agent, list(route_to))
    return builder


def create_swarm(
    agents: Sequence[Any],
    *,
    default_active_agent: str,
    state_schema: Any = SwarmState,
    context_schema: Any = None,
) -> Any:
    """Build (not compile) a swarm of named agents; ``.compile(checkpointer=...)`` it to run.

    Examples:
        Alice hands over to Bob; with a checkpointer the next turn starts with Bob:

        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.prebuilt import create_react_agent
        >>> from stategraph.prebuilt.swarm import create_handoff_tool, create_swarm
        >>> from stategraph.testing import FakeChatModel, ai, call
        >>> alice = create_react_agent(FakeChatModel([ai("", call("transfer_to_bob", {}, "a-1"))]),
        ...                            [create_handoff_tool(agent_name="bob")], name="alice")
        >>> bob = create_react_agent(FakeChatModel(["Bob here.", "Still Bob."]),
        ...                          [create_handoff_tool(agent_name="alice")], name="bob")
        >>> team = create_swarm([alice, bob], default_active_agent="alice").compile(
        ...     checkpointer=InMemorySaver())
        >>> config = {"configurable": {"thread_id": "swarm-1"}}
        >>> out = team.invoke({"messages": [("user", "Can I talk to Bob?")]}, config)
        >>> [(m.name, m.content) for m in out["messages"] if m.type == "ai"]
        [('alice', ''), ('bob', 'Bob here.')]
        >>> out = team.invoke({"messages": [("user", "Still there?")]}, config)
        >>> out["active_agent"], out["messages"][-1].content
        ('bob', 'Still Bob.')
    """
    from ..graph import StateGraph

    names = [getattr(a, "name", None) for a in agents]
    if any(not n or n == "LangGraph" for n in names) or len(set(names)) != len(names):
        raise ValueError(f"Every swarm agent needs a unique name (create_react_agent(..., name=...)); got {names}.")
    graph = StateGraph(state_schema, context_schema=context_schema)
    add_active_agent_router(graph, route_to=names, default_active_agent=default_active_agent)  # type: ignore[arg-type]
    for agent, name in zip(agents, names, strict=True):
        graph.add_node(name, agent, destinations=_destinations(agent, names))  # type: ignore[arg-type]
    return graph
