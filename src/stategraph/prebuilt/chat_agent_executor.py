"""create_react_agent: a model that calls tools in a loop until it answers.

    START -> [pre_model_hook] -> agent -> [post_model_hook] -> tools -> (back to the start of the loop)
                                                             -> generate_structured_response | END

``version="v1"`` runs all tool calls of a turn in one ToolNode step; ``"v2"`` (default) sends
each call to ``tools`` as its own task with ``Send``.
"""

# why: no `from __future__ import annotations`: TypedDict on 3.11 reads NotRequired only
# from evaluated annotations, so string ones would list every key as required
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, NotRequired, get_type_hints

try:  # why: pydantic (JSON schemas of the agent's state) needs typing_extensions' TypedDict before 3.12
    from typing_extensions import TypedDict
except (
    ImportError
):  # pragma: no cover - no pydantic installed either, so no schema is ever generated
    from typing import TypedDict

from .._schema_description import publish_description
from ..constants import END, START
from ..graph.message import add_messages
from ..managed import RemainingSteps
from ._agent_nodes import (
    AgentRouter,
    ModelCaller,
    PostHookRouter,
    RunnableNode,
    StructuredResponder,
    check_prompt,
    route_tool_responses,
)
from ._tools import _is_langchain_tool
from .tool_node import ToolNode

if TYPE_CHECKING:  # built on first use by __getattr__ (pydantic stays optional)
    from ._pydantic_state import AgentStatePydantic, AgentStateWithStructuredResponsePydantic

__all__ = [
    "AgentState",
    "AgentStatePydantic",
    "AgentStateWithStructuredResponse",
    "AgentStateWithStructuredResponsePydantic",
    "create_react_agent",
    "create_tool_calling_executor",
]


class AgentState(TypedDict):
    """The default agent state: the conversation plus the steps left before the recursion limit.

    Examples:
        Subclass it to give the agent more state, here read by the prompt:

        >>> from stategraph.prebuilt import create_react_agent
        >>> from stategraph.prebuilt.chat_agent_executor import AgentState
        >>> from stategraph.testing import FakeChatModel
        >>> class State(AgentState):
        ...     user_name: str
        >>> def prompt(state: State) -> list:
        ...     return [("system", f"The user is {state['user_name']}."), *state["messages"]]
        >>> model = FakeChatModel(["Hello, Ada!"])
        >>> agent = create_react_agent(model, [], state_schema=State, prompt=prompt)
        >>> out = agent.invoke({"messages": [("user", "Hi")], "user_name": "Ada"})
        >>> out["messages"][-1].content, model.calls[0][0].content
        ('Hello, Ada!', 'The user is Ada.')
    """

    messages: Annotated[Sequence[Any], add_messages]
    remaining_steps: NotRequired[RemainingSteps]


class AgentStateWithStructuredResponse(AgentState):
    """The agent state with ``structured_response``: what an agent with ``response_format`` returns.

    Examples:
        After its last answer the agent asks the model for the response in the given shape:

        >>> import pydantic
        >>> from stategraph.prebuilt import create_react_agent
        >>> from stategraph.prebuilt.chat_agent_executor import AgentStateWithStructuredResponse
        >>> from stategraph.testing import FakeChatModel
        >>> class Weather(pydantic.BaseModel):
        ...     city: str
        ...     sky: str
        >>> class State(AgentStateWithStructuredResponse):
        ...     units: str
        >>> model = FakeChatModel(["It is sunny in Paris."], structured=[{"city": "Paris", "sky": "sunny"}])
        >>> agent = create_react_agent(model, [], response_format=Weather, state_schema=State)
        >>> out = agent.invoke({"messages": [("user", "Weather in Paris?")], "units": "metric"})
        >>> out["structured_response"]
        Weather(city='Paris', sky='sunny')
    """

    structured_response: NotRequired[Any]


publish_description(AgentState, "The state of the agent.")
publish_description(AgentStateWithStructuredResponse, "The state of the agent with a structured response.")


def _bound_specs(model: Any) -> list[Any] | None:
    """The tools a model was already bound to (None if it was not), looking inside a sequence."""
    steps = getattr(model, "steps", None)
    if isinstance(steps, list):
        model = next(
            (
                s
                for s in steps
                if hasattr(s, "bound_tools") or isinstance(getattr(s, "kwargs", None), dict)
            ),
            model,
        )
    if getattr(model, "bound_tools", None):
        return list(model.bound_tools)
    kwargs = getattr(model, "kwargs", None)
    return list(kwargs["tools"]) if isinstance(kwargs, dict) and "tools" in kwargs else None


def _spec_name(spec: Any) -> str | None:
    if not isinstance(spec, dict):
        return getattr(spec, "name", None)
    if spec.get("type") == "function":
        return spec.get("function", {}).get("name")
    return spec.get("name")


def _should_bind(model: Any, tool_node: ToolNode, builtin: int) -> bool:
    """Bind unless the model already offers exactly these tools (a mismatch is a ValueError)."""
    bound = _bound_specs(model)
    if bound is None:
        return True
    names = set(tool_node.tools_by_name)
    if len(names) != len(bound) - builtin:
        raise ValueError(
            f"The model was bound to {len(bound) - builtin} tools but create_react_agent got "
            f"{len(names)}: bind the same tools (model.bind_tools(tools)) or pass the unbound model."
        )
    if missing := names - {_spec_name(t) for t in bound}:
        raise ValueError(
            f"Tools {sorted(missing)} are given to create_react_agent but not bound to the model: "
            "bind the same tools (model.bind_tools(tools)) or pass the unbound model."
        )
    return False


def _bind_static(model: Any, tool_node: ToolNode, provider_tools: list[dict[str, Any]]) -> Any:
    """Bind the tools as LangGraph does: langchain tools as they are, other tools as their specs.

    A langchain tool with our injected arguments is bound as its spec: langchain does not know
    our markers, so its own schema would show those arguments to the model.
    """
    if isinstance(model, str):
        from ..models import init_chat_model

        model = init_chat_model(model)
    offered = []
    for name, obj in tool_node.tools_by_name.items():
        tool = tool_node.tool(name)
        assert tool is not None  # Invariant: tools_by_name and the node's tools share their names
        offered.append(obj if _is_langchain_tool(obj) and not tool.injections else tool.spec())
    if _should_bind(model, tool_node, len(provider_tools)) and offered + provider_tools:
        return model.bind_tools(offered + provider_tools)
    return model


def _resolve_name(model: Any) -> Any:
    """A dynamic model's pick is used as returned (LangGraph binds nothing); a string is initialised."""
    if isinstance(model, str):
        from ..models import init_chat_model

        return init_chat_model(model)
    return model


def _split_tools(tools: Any) -> tuple[ToolNode, list[dict[str, Any]]]:
    if isinstance(tools, ToolNode):
        return tools, []
    tools = list(tools or [])
    provider = [t for t in tools if isinstance(t, dict)]
    return ToolNode([t for t in tools if not isinstance(t, dict)]), provider


def _state_schema(state_schema: Any, response_format: Any) -> Any:
    if state_schema is not None:
        required = {"messages", "remaining_steps"} | (
            {"structured_response"} if response_format is not None else set()
        )
        if missing := required - set(get_type_hints(state_schema)):
            raise ValueError(
                f"state_schema {getattr(state_schema, '__name__', state_schema)!r} lacks the key(s) "
                f"{sorted(missing)} create_react_agent needs: subclass AgentState (or "
                "AgentStateWithStructuredResponse when you pass response_format)."
            )
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
    """Build and compile a tool-calling agent graph (see the module docstring).

    Examples:
        The model asks for a tool, the agent runs it and calls the model again with the result:

        >>> from stategraph.prebuilt import create_react_agent
        >>> from stategraph.testing import FakeChatModel, ai, call
        >>> def get_weather(city: str) -> str:
        ...     '''Get the weather for a city.'''
        ...     return f"It is sunny in {city}."
        >>> model = FakeChatModel([ai("", call("get_weather", {"city": "Paris"}, "call-1")),
        ...                        "Sunny in Paris."])
        >>> agent = create_react_agent(model, [get_weather], prompt="You are a weather bot.")
        >>> out = agent.invoke({"messages": [("user", "Weather in Paris?")]})
        >>> for m in out["messages"]:
        ...     print(m.type, repr(m.content))
        human 'Weather in Paris?'
        ai ''
        tool 'It is sunny in Paris.'
        ai 'Sunny in Paris.'
        >>> [m.type for m in model.calls[0]]
        ['system', 'human']
    """
    from ..graph import StateGraph

    context_schema = context_schema or deprecated.pop("config_schema", None)
    if deprecated:
        raise TypeError(
            f"create_react_agent() got unexpected keyword arguments {sorted(deprecated)}."
        )
    if version not in ("v1", "v2"):
        raise ValueError(f"version must be 'v1' or 'v2', got {version!r}.")
    check_prompt(prompt)
    schema = _state_schema(state_schema, response_format)
    tool_node, provider_tools = _split_tools(tools)
    dynamic = callable(model) and not isinstance(model, str) and not hasattr(model, "invoke")
    bound = model if dynamic else _bind_static(model, tool_node, provider_tools)
    return_direct = {n for n, t in tool_node._tools.items() if t.return_direct}
    handoffs = {
        n for n, t in tool_node.tools_by_name.items() if getattr(t, "__handoff_destination__", None)
    }

    caller = ModelCaller(
        bound,
        _resolve_name,
        prompt=prompt,
        name=name,
        return_direct=return_direct,
        use_llm_input=pre_model_hook is not None,
    )
    graph = StateGraph(schema, context_schema=context_schema)
    agent_input = (
        _llm_input_schema(schema)
        if pre_model_hook is not None
        and isinstance(schema, type)
        and hasattr(schema, "__annotations__")
        and not hasattr(schema, "model_fields")
        else None
    )
    graph.add_node("agent", RunnableNode("agent", caller, caller.acall), input_schema=agent_input)
    if tool_node._tools:  # right after the agent: LangGraph's node order (graph.nodes, drawings)
        graph.add_node("tools", tool_node)
    entry = "agent"
    if pre_model_hook is not None:
        graph.add_node("pre_model_hook", pre_model_hook)
        graph.add_edge("pre_model_hook", "agent")
        entry = "pre_model_hook"
    graph.add_edge(START, entry)
    if post_model_hook is not None:
        graph.add_node("post_model_hook", post_model_hook)
        graph.add_edge("agent", "post_model_hook")
    last = "post_model_hook" if post_model_hook is not None else "agent"
    after_answer = END
    if response_format is not None:
        responder = StructuredResponder(model, response_format)
        graph.add_node(
            "generate_structured_response",
            RunnableNode("generate_structured_response", responder, responder.acall),
        )
        after_answer = "generate_structured_response"
    if tool_node._tools:
        _wire_tools(
            graph,
            tool_node,
            version=version,
            entry=entry,
            after_answer=after_answer,
            post_hook=post_model_hook is not None,
            return_direct=return_direct,
            handoffs=handoffs,
        )
    elif response_format is not None:
        graph.add_edge(last, after_answer)
    agent = graph.compile(
        checkpointer=checkpointer,
        store=store,
        interrupt_before=interrupt_before,
        interrupt_after=interrupt_after,
        debug=debug,
        name=name,
    )
    agent.trace_agent = name or "agent"  # its runs trace as invoke_agent (pregel._trace)
    return agent


def _wire_tools(
    graph: Any,
    tool_node: ToolNode,
    *,
    version: str,
    entry: str,
    after_answer: str,
    post_hook: bool,
    return_direct: set[str],
    handoffs: set[str],
) -> None:
    """The loop through ``tools`` (already added): agent (-> post_model_hook) -> tools -> entry, as
    LangGraph wires it."""
    if post_hook:
        graph.add_conditional_edges(
            "post_model_hook",
            PostHookRouter("tools", after_answer, entry),
            [entry, "tools", after_answer],
        )
        agent_paths = ["post_model_hook"]
    else:
        agent_paths = ["tools", after_answer]
    router = AgentRouter(
        version, "tools", after_answer, "post_model_hook" if post_hook else None, handoffs
    )
    graph.add_conditional_edges("agent", router, agent_paths)
    if return_direct:
        graph.add_conditional_edges(
            "tools", route_tool_responses(return_direct, entry), [entry, END]
        )
    else:
        graph.add_edge("tools", entry)


create_tool_calling_executor = create_react_agent  # LangGraph's other name for it


def __getattr__(name: str) -> Any:
    """The pydantic agent states, built on first use so importing this module needs no pydantic."""
    if name in ("AgentStatePydantic", "AgentStateWithStructuredResponsePydantic"):
        from . import _pydantic_state

        return getattr(_pydantic_state, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
