"""Tool arguments the ToolNode fills in instead of the model: state, store, runtime, call id.

``InjectedState`` / ``InjectedStore`` are ``Annotated`` markers; a parameter typed
``ToolRuntime`` receives the whole runtime.  Marked parameters are hidden from the schema
the model sees.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Generic, TypeVar, get_args, get_origin, get_type_hints

import typing_extensions

__all__ = [
    "InjectedState",
    "InjectedStore",
    "ToolRuntime",
    "Injection",
    "find_injections",
    "adopt_langchain_base",
]

ContextT = TypeVar("ContextT")
# why: ToolRuntime[Ctx] names only the context, as LangGraph's (its state type defaults to dict)
StateT = typing_extensions.TypeVar("StateT", default=dict)


class _Marker:
    """The markers' own base; swapped for langchain-core's ``InjectedToolArg`` once that is loaded
    (``adopt_langchain_base``). why: a class whose base is ``object`` itself cannot be rebased."""


class InjectedState(_Marker):
    """Marker: fill this tool argument with the graph state (or one field of it).

    ``Annotated[dict, InjectedState]`` passes the whole state;
    ``Annotated[list, InjectedState("messages")]`` passes one key.

    Examples:
        The model sees only ``greeting``; ``user`` comes from the state:

        >>> from typing import Annotated
        >>> from stategraph.graph import START, MessagesState, StateGraph
        >>> from stategraph.messages import AIMessage
        >>> from stategraph.prebuilt import InjectedState, ToolNode
        >>> class State(MessagesState):
        ...     user: str
        >>> def greet(greeting: str, user: Annotated[str, InjectedState("user")]) -> str:
        ...     '''Greet the current user.'''
        ...     return f"{greeting}, {user}!"
        >>> ToolNode([greet]).tool_specs[0]["function"]["parameters"]["properties"]
        {'greeting': {'type': 'string'}}
        >>> graph = StateGraph(State).add_node("tools", ToolNode([greet])).add_edge(START, "tools").compile()
        >>> call = {"name": "greet", "args": {"greeting": "Hello"}, "id": "call-1"}
        >>> out = graph.invoke({"messages": [AIMessage("", tool_calls=[call])], "user": "Ada"})
        >>> out["messages"][-1].content
        'Hello, Ada!'
    """

    def __init__(self, field: str | None = None) -> None:
        self.field = field

    def __repr__(self) -> str:
        return f"InjectedState(field={self.field!r})"


class InjectedStore(_Marker):
    """Marker: fill this tool argument with the graph's long-term store (``BaseStore``).

    Examples:
        The tool writes to the store the graph was compiled with:

        >>> from typing import Annotated, Any
        >>> from stategraph.graph import START, MessagesState, StateGraph
        >>> from stategraph.messages import AIMessage
        >>> from stategraph.prebuilt import InjectedStore, ToolNode
        >>> from stategraph.store.memory import InMemoryStore
        >>> def remember(fact: str, store: Annotated[Any, InjectedStore()]) -> str:
        ...     '''Save a fact about the user.'''
        ...     store.put(("facts",), "latest", {"text": fact})
        ...     return "saved"
        >>> store = InMemoryStore()
        >>> graph = (StateGraph(MessagesState).add_node("tools", ToolNode([remember]))
        ...          .add_edge(START, "tools").compile(store=store))
        >>> call = {"name": "remember", "args": {"fact": "likes tea"}, "id": "call-1"}
        >>> graph.invoke({"messages": [AIMessage("", tool_calls=[call])]})["messages"][-1].content
        'saved'
        >>> store.get(("facts",), "latest").value
        {'text': 'likes tea'}
    """

    def __repr__(self) -> str:
        return "InjectedStore()"


def adopt_langchain_base() -> None:
    """Make ``InjectedState`` / ``InjectedStore`` subclasses of langchain-core's ``InjectedToolArg``
    when langchain-core is loaded, so its tool schemas (what ``bind_tools`` shows a model) hide
    these arguments, as LangGraph's markers do. Never imports langchain-core itself."""
    from ..messages._langchain import langchain_loaded

    if InjectedState.__bases__ != (_Marker,) or not langchain_loaded():
        return
    try:
        from langchain_core.tools import InjectedToolArg
        from langchain_core.tools.base import _DirectlyInjectedToolArg
    except ImportError:  # pragma: no cover - a broken or much older langchain-core install
        return
    for marker in (InjectedState, InjectedStore):
        marker.__bases__ = (InjectedToolArg,)
    ToolRuntime.__bases__ = (_DirectlyInjectedToolArg, Generic)


class _RuntimeMarker:
    """``ToolRuntime``'s own base; swapped for langchain-core's directly-injected marker."""


@dataclass
class ToolRuntime(_RuntimeMarker, Generic[ContextT, StateT]):
    """Everything a tool may need from the run; injected into a parameter typed ``ToolRuntime``.

    Examples:
        A tool reads its call id and streams progress with ``emit_output_delta``:

        >>> from stategraph.graph import START, MessagesState, StateGraph
        >>> from stategraph.messages import AIMessage
        >>> from stategraph.prebuilt import ToolNode, ToolRuntime
        >>> def count(n: int, runtime: ToolRuntime) -> str:
        ...     '''Count up to n.'''
        ...     for i in range(1, n + 1):
        ...         runtime.emit_output_delta(i)
        ...     return f"counted to {n} for {runtime.tool_call_id}"
        >>> graph = StateGraph(MessagesState).add_node("tools", ToolNode([count])).add_edge(START, "tools").compile()
        >>> call = {"name": "count", "args": {"n": 2}, "id": "call-1"}
        >>> for mode, chunk in graph.stream({"messages": [AIMessage("", tool_calls=[call])]},
        ...                                 stream_mode=["custom", "updates"]):
        ...     print(mode, chunk if mode == "custom" else chunk["tools"]["messages"][0].content)
        custom {'tool_call_id': 'call-1', 'delta': 1}
        custom {'tool_call_id': 'call-1', 'delta': 2}
        updates counted to 2 for call-1
    """

    state: Any = None
    context: Any = None
    config: dict[str, Any] = field(default_factory=dict)
    stream_writer: Any = None
    tool_call_id: str | None = None
    store: Any = None
    tools: list[Any] = field(default_factory=list)
    execution_info: Any = None
    server_info: Any = None

    def emit_output_delta(self, delta: Any) -> None:
        """Send a partial tool output to ``stream_mode="custom"`` consumers."""
        if self.stream_writer is not None:
            self.stream_writer({"tool_call_id": self.tool_call_id, "delta": delta})


adopt_langchain_base()


@dataclass(frozen=True)
class Injection:
    """What to pass to one parameter: kind is 'state' | 'store' | 'runtime' | 'tool_call_id'."""

    kind: str
    field: str | None = None
    optional: bool = False  # the parameter has a default: a missing state field is not an error


def _marker_of(annotation: Any) -> Injection | None:
    origin = get_origin(annotation)
    if annotation is ToolRuntime or origin is ToolRuntime:
        return Injection("runtime")
    if origin is not Annotated:
        return None
    base, *extras = get_args(annotation)
    if base is ToolRuntime or get_origin(base) is ToolRuntime:
        return Injection("runtime")
    for extra in extras:
        if extra is InjectedState or isinstance(extra, InjectedState):
            return Injection(
                "state", getattr(extra, "field", None) if not isinstance(extra, type) else None
            )
        if extra is InjectedStore or isinstance(extra, InjectedStore):
            return Injection("store")
        name = extra.__name__ if isinstance(extra, type) else type(extra).__name__
        if name == "InjectedToolCallId":  # langchain-core's marker, matched by name (no import)
            return Injection("tool_call_id")
    return None


def find_injections(fn: Any) -> dict[str, Injection]:
    """Map parameter name -> Injection for every injected parameter of ``fn``."""
    if fn is None:
        return {}
    try:
        hints = get_type_hints(fn, include_extras=True)
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError, NameError):
        return {}
    found = {}
    for name in params:
        marker = _marker_of(hints.get(name))
        if marker is not None:
            optional = params[name].default is not inspect.Parameter.empty
            found[name] = replace(marker, optional=optional) if optional else marker
    return found


def resolve(injection: Injection, *, state: Any, runtime: ToolRuntime[Any, Any]) -> Any:
    """The value to pass for ``injection`` in this call (LangGraph's errors when it has none)."""
    if injection.kind == "runtime":
        return runtime
    if injection.kind == "store":
        if runtime.store is None:
            raise ValueError(
                "A tool asks for InjectedStore but the graph has no store: "
                "compile it with a store, e.g. graph.compile(store=InMemoryStore())."
            )
        return runtime.store
    if injection.kind == "tool_call_id":
        return runtime.tool_call_id
    if injection.field is None:
        return state
    if isinstance(state, dict):
        if injection.field not in state and not injection.optional:
            raise KeyError(injection.field)
        return state.get(injection.field)
    if not hasattr(state, injection.field) and not injection.optional:
        raise AttributeError(injection.field)
    return getattr(state, injection.field, None)
