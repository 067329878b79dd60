"""create_react_agent: a model that calls tools in a loop until it answers.

    START -> [pre_model_hook] -> agent -> [post_model_hook] -> tools -> (back to the start of the loop)
                                                             -> generate_structured_response | END

``version="v1"`` runs all tool calls of a turn in one ToolNode step; ``"v2"`` (default) sends
each call to ``tools`` as its own task with ``Send``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, NotRequired, TypedDict, get_type_hints

from ..constants import END, START
from ..graph.message import add_messages
from ..managed import RemainingSteps
from ._agent_nodes import (
    AgentRouter,
    ModelCaller,
    RunnableNode,
    StructuredResponder,
    route_tool_responses,
)
from .tool_node import ToolNode

if TYPE_CHECKING:
    from ._pydantic_states import AgentStatePydantic, AgentStateWithStructuredResponsePydantic

__all__ = [
    "AgentState",
    "AgentStatePydantic",
    "AgentStateWithStructuredResponse",
    "AgentStateWithStructuredResponsePydantic",
    "create_react_agent",
    "create_tool_calling_executor",
]


class AgentState(TypedDict):
    """The default agent state: the conversation plus the steps left before the recursion limit."""

    messages: Annotated[Sequence[Any], add_messages]
    remaining_steps: NotRequired[RemainingSteps]


class AgentStateWithStructuredResponse(AgentState):
    structured_response: NotRequired[Any]


def _already_bound(model: Any) -> bool:
    if getattr(model, "bound_tools", None):
        return True
    return bool(getattr(model, "kwargs", {}).get("tools")) if isinstance(getattr(model, "kwargs", None), dict) else False


def _binder(tool_node: ToolNode, provider_tools: list[dict[str, Any]]) -> Callable[[Any], Any]:
    specs = [*tool_node.tool_specs, *provider_tools]

    def bind(model: Any) -> Any:
        if isinstance(model, str):
            from ..models import init_chat_model

            model = init_chat_model(model)
        if not specs or _already_bound(model):
            return model
        return model.bind_tools(specs)

    return bind


def _split_tools(tools: Any) -> tuple[ToolNode, list[dict[str, Any]]]:
    if isinstance(tools, ToolNode):
        return tools, []
    tools = list(tools or [])
    provider = [t for t in tools if isinstance(t, dict)]
    return ToolNode([t for t in tools if not isinstance(t, dict)]), provider


def _state_schema(state_schema: Any, response_format: Any) -> Any:
    if state_schema is not None:
        if response_format is not None and "structured_response" not in (getattr(state_schema, "__annotations__", {})
                                                                          or getattr(state_schema, "model_fields", {})):
            raise ValueError("With response_format the state schema needs a 'structured_response' key: "
                             "subclass AgentStateWithStructuredResponse.")
        return state_schema
    return AgentStateWithStructuredResponse if response_format is not None else AgentState


def _llm_input_schema(state_schema: Any) -> Any:
    """The agent node's input: the state plus the pre-model hook's private ``llm_input_messages``."""
    hints = get_type_hints(state_schema, include_extras=True)
    hints["llm_input_messages"] = NotRequired[list]
    return TypedDict(f"{getattr(state_schema, '__name__', 'State')}CallModelInput", hints)  # type: ignore[operator]


def create_react_agent(
    model: Any,
    tools: Any,
    *,
    prompt: Any = None,
    response_format: Any = None,
    pre_model_hook: Any = None,
    post_model_hook: Any = None,
    state_schema: Any = None,
    context_schema: Any = None,
    checkpointer: Any = None,
    store: Any = None,
    interrupt_before: list[str] | None = None,
    interrupt_after: list[str] | None = None,
    debug: bool = False,
    version: str = "v2",
    name: str | None = None,
    **deprecated: Any,
) -> Any:
    """Build and compile a tool-calling agent graph (see the module docstring)."""
    from ..graph import StateGraph

    if version not in ("v1", "v2"):
        raise ValueError(f"version must be 'v1' or 'v2', got {version!r}.")
    prompt = deprecated.pop("state_modifier", None) or deprecated.pop("messages_modifier", None) or prompt
    if deprecated:
        raise TypeError(f"create_react_agent() got unexpected arguments {sorted(deprecated)}.")
    tool_node, provider_tools = _split_tools(tools)
    bind = _binder(tool_node, provider_tools)
    if isinstance(model, str):
        from ..models import init_chat_model

        model = init_chat_model(model)
    dynamic = callable(model) and not hasattr(model, "invoke")
    bound = model if dynamic else bind(model)
    schema = _state_schema(state_schema, response_format)
    return_direct = {n for n, t in tool_node._tools.items() if t.return_direct}
    handoffs = {n for n, t in tool_node.tools_by_name.items() if getattr(t, "__handoff_destination__", None)}

    caller = ModelCaller(bound, bind, prompt=prompt, name=name, return_direct=return_direct,
                         use_llm_input=pre_model_hook is not None)
    graph = StateGraph(schema, context_schema=context_schema)
    agent_input = _llm_input_schema(schema) if pre_model_hook is not None and isinstance(schema, type) and \
        hasattr(schema, "__annotations__") and not hasattr(schema, "model_fields") else None
    graph.add_node("agent", RunnableNode("agent", caller, caller.acall), input_schema=agent_input)
    entry = "agent"
    if pre_model_hook is not None:
        graph.add_node("pre_model_hook", pre_model_hook)
        graph.add_edge("pre_model_hook", "agent")
        entry = "pre_model_hook"
    graph.add_edge(START, entry)
    has_tools = bool(tool_node._tools)
    after_answer = END
    if response_format is not None:
        responder = StructuredResponder(model, response_format)
        graph.add_node("generate_structured_response",
                       RunnableNode("generate_structured_response", responder, responder.acall))
        graph.add_edge("generate_structured_response", END)
        after_answer = "generate_structured_response"
    decider = "agent"
    if post_model_hook is not None:
        graph.add_node("post_model_hook", post_model_hook)
        graph.add_edge("agent", "post_model_hook")
        decider = "post_model_hook"
    router = AgentRouter(version, "tools" if has_tools else None, after_answer, entry, handoffs)
    destinations = [after_answer] + (["tools"] if has_tools else []) + ([entry] if post_model_hook else [])
    graph.add_conditional_edges(decider, router, list(dict.fromkeys(destinations)))
    if has_tools:
        graph.add_node("tools", tool_node)
        if return_direct:
            graph.add_conditional_edges("tools", route_tool_responses(return_direct, entry), [entry, END])
        else:
            graph.add_edge("tools", entry)
    agent = graph.compile(checkpointer=checkpointer, store=store, interrupt_before=interrupt_before,
                          interrupt_after=interrupt_after, debug=debug, name=name)
    agent.trace_agent = name or "agent"  # its runs trace as invoke_agent (pregel._trace)
    return agent


create_tool_calling_executor = create_react_agent  # LangGraph's older name for the same factory


def __getattr__(name: str) -> Any:
    # the pydantic states need the optional pydantic package; import it only when asked for
    if name in ("AgentStatePydantic", "AgentStateWithStructuredResponsePydantic"):
        from . import _pydantic_states

        return getattr(_pydantic_states, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
