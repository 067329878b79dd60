"""create_supervisor: one model routes the conversation to named agents and collects their answers.

    START -> supervisor --transfer_to_<agent>--> <agent> --(answer + transfer back)--> supervisor -> END

The supervisor is a ReAct agent whose tools include one handoff tool per agent.  Each agent
runs as a node; its reply comes back with an answered ``transfer_back_to_<supervisor>`` call,
so the history the supervisor sees always satisfies ``handoff.check_tool_history``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, get_type_hints

from ..constants import END, START
from ._agent_nodes import RunnableNode, state_messages
from .chat_agent_executor import AgentState, create_react_agent
from .handoff import create_handoff_back_messages, create_handoff_tool, handoff_tool_name

__all__ = ["create_supervisor", "create_handoff_tool"]

OutputMode = Literal["full_history", "last_message"]


def _agent_name(agent: Any) -> str:
    name = getattr(agent, "name", None)
    if not name or name == "LangGraph":
        raise ValueError(
            f"Agent {agent!r} has no name: give each agent one, e.g. create_react_agent(..., name='researcher')."
        )
    return str(name)


def _inline_names(messages: list[Any]) -> list[Any]:
    out = []
    for m in messages:
        if getattr(m, "type", None) == "ai" and m.name and isinstance(m.content, str) and m.content \
                and not m.content.startswith("<name>"):
            m = m.model_copy(update={"content": f"<name>{m.name}</name><content>{m.content}</content>"})
        out.append(m)
    return out


class _AgentCall:
    """Run one agent on the team state; keep its full history or only its last message."""

    def __init__(self, agent: Any, keys: set[str], *, output_mode: str, handoff_back: bool,
                 supervisor_name: str, include_agent_name: str | None) -> None:
        self.agent = agent
        self.name = _agent_name(agent)
        self.keys = keys
        self.output_mode = output_mode
        self.handoff_back = handoff_back
        self.supervisor_name = supervisor_name
        self.include_agent_name = include_agent_name

    def _shape(self, output: Any) -> dict[str, Any]:
        messages = state_messages(output)
        if self.output_mode == "last_message":
            messages = messages[-1:]
        if self.include_agent_name == "inline":
            messages = _inline_names(messages)
        if self.handoff_back:
            messages = [*messages, *create_handoff_back_messages(self.name, self.supervisor_name)]
        extra = {k: v for k, v in output.items() if k in self.keys and k != "messages"}
        return {**extra, "messages": messages}

    def __call__(self, state: Any, config: Any) -> dict[str, Any]:
        return self._shape(self.agent.invoke(state, config))

    async def acall(self, state: Any, config: Any) -> dict[str, Any]:
        return self._shape(await self.agent.ainvoke(state, config))


def create_supervisor(
    agents: Sequence[Any],
    *,
    model: Any,
    tools: Sequence[Any] | None = None,
    prompt: Any = None,
    response_format: Any = None,
    pre_model_hook: Any = None,
    post_model_hook: Any = None,
    parallel_tool_calls: bool = False,
    state_schema: Any = AgentState,
    context_schema: Any = None,
    output_mode: OutputMode = "last_message",
    add_handoff_messages: bool = True,
    handoff_tool_prefix: str | None = None,
    add_handoff_back_messages: bool | None = None,
    supervisor_name: str = "supervisor",
    include_agent_name: Literal["inline"] | None = None,
) -> Any:
    """Build (not compile) a supervisor team; ``.compile(checkpointer=...)`` it to run.

    Examples:
        The supervisor hands the question to ``math``, which answers and hands back:

        >>> from stategraph.prebuilt import create_react_agent
        >>> from stategraph.prebuilt.supervisor import create_supervisor
        >>> from stategraph.testing import FakeChatModel, ai, call
        >>> def add(a: int, b: int) -> int:
        ...     '''Add two integers.'''
        ...     return a + b
        >>> math = create_react_agent(
        ...     FakeChatModel([ai("", call("add", {"a": 2, "b": 3}, "m-1")), "2 + 3 = 5"]), [add], name="math")
        >>> boss = FakeChatModel([ai("", call("transfer_to_math", {}, "s-1")), "The answer is 5."])
        >>> team = create_supervisor([math], model=boss).compile()
        >>> for m in team.invoke({"messages": [("user", "What is 2 + 3?")]})["messages"]:
        ...     print(m.type, m.name, repr(m.content))
        human None 'What is 2 + 3?'
        ai supervisor ''
        tool transfer_to_math 'Successfully transferred to math'
        ai math '2 + 3 = 5'
        ai math 'Transferring back to supervisor'
        tool transfer_back_to_supervisor 'Successfully transferred back to supervisor'
        ai supervisor 'The answer is 5.'
    """
    from ..graph import StateGraph

    if output_mode not in ("full_history", "last_message"):
        raise ValueError(f"output_mode must be 'full_history' or 'last_message', got {output_mode!r}.")
    names = [_agent_name(a) for a in agents]
    if len(set(names)) != len(names) or supervisor_name in names:
        raise ValueError(f"Agent names must be unique and differ from the supervisor's: got {names}.")
    prefix = handoff_tool_prefix or "transfer_to_"
    handoffs = [create_handoff_tool(agent_name=n, name=handoff_tool_name(n, prefix),
                                    add_handoff_messages=add_handoff_messages) for n in names]
    bound = _bind(model, [*handoffs, *(tools or [])], parallel_tool_calls)
    supervisor = create_react_agent(
        bound, [*handoffs, *(tools or [])], prompt=prompt, response_format=response_format,
        pre_model_hook=pre_model_hook, post_model_hook=post_model_hook, state_schema=state_schema,
        context_schema=context_schema, name=supervisor_name, version="v1",
    )
    keys = set(get_type_hints(state_schema)) if isinstance(state_schema, type) else {"messages"}
    back = add_handoff_messages if add_handoff_back_messages is None else add_handoff_back_messages
    graph = StateGraph(state_schema, context_schema=context_schema)
    graph.add_node(supervisor_name, supervisor, destinations=(*names, END))
    graph.add_edge(START, supervisor_name)
    for agent, name in zip(agents, names, strict=True):
        call = _AgentCall(agent, keys, output_mode=output_mode, handoff_back=back,
                          supervisor_name=supervisor_name, include_agent_name=include_agent_name)
        graph.add_node(name, RunnableNode(name, call, call.acall))
        graph.add_edge(name, supervisor_name)
    return graph


def _bind(model: Any, tools: list[Any], parallel_tool_calls: bool) -> Any:
    """Bind the handoff tools, asking for one call at a time where the model supports it."""
    from ._tools import tool_spec

    if isinstance(model, str):
        from ..models import init_chat_model

        model = init_chat_model(model)
    specs = [tool_spec(t) for t in tools]
    try:
        return model.bind_tools(specs, parallel_tool_calls=parallel_tool_calls)
    except TypeError:
        return model.bind_tools(specs)
