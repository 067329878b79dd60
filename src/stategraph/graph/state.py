"""StateGraph: declare nodes and edges over a shared state; ``compile()`` lowers it to Pregel."""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from typing import (
    TYPE_CHECKING,
    Any,
    Generic,
    Literal,
    TypeVar,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

from .._lazy import lazy_exports
from ..constants import END, NS_END, NS_SEP, START
from ..errors import ErrorCode, coded
from ._schema import channels_of, first_param_schema, return_schema

if TYPE_CHECKING:
    from .._types_lazy import CachePolicy, TimeoutPolicy
    from ..types import RetryPolicy
    from ._branch import Branch
    from ._compiled import CompiledStateGraph

# why: importing this module loads neither the engine nor ``stategraph.types`` (whose dataclasses
# pull in ``inspect``): ``Branch``, ``Command`` and the engine's helpers are imported inside the
# methods that use them, and ``CompiledStateGraph`` (a Pregel subclass) loads through the module
# ``__getattr__`` at the end.

__all__ = ["StateGraph", "CompiledStateGraph"]

StateT = TypeVar("StateT")
ContextT = TypeVar("ContextT")
InputT = TypeVar("InputT")
OutputT = TypeVar("OutputT")


def _err(message: str, code: ErrorCode) -> ValueError:
    # why: LangGraph raises ValueError here and programs catch it by that type; we add the code.
    return coded(ValueError, message, code)


class NodeSpec:
    """One node as declared with ``add_node``; ``compile()`` lowers it to a PregelNode."""

    # why: a plain slotted class, not a dataclass: ``dataclasses`` imports ``inspect`` (~5 ms).
    __slots__ = (
        "runnable", "metadata", "input_schema", "retry_policy", "cache_policy", "ends", "defer", "timeout", "error_handler",
    )

    def __init__(
        self,
        runnable: Any,
        *,
        metadata: dict[str, Any] | None = None,
        input_schema: Any = None,
        retry_policy: Any = None,
        cache_policy: CachePolicy | None = None,
        ends: tuple[str, ...] | dict[str, str] = (),
        defer: bool = False,
        timeout: TimeoutPolicy | None = None,
        error_handler: Any = None,
    ) -> None:
        self.runnable = runnable
        self.metadata = metadata
        self.input_schema = input_schema
        self.retry_policy = retry_policy
        self.cache_policy = cache_policy
        self.ends = ends
        self.defer = defer
        self.timeout = timeout
        self.error_handler = error_handler  # a callable run when this node fails (after retries)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"NodeSpec({fields})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not NodeSpec:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value (as a dataclass would be)


class StateGraph(Generic[StateT, ContextT, InputT, OutputT]):
    """A graph whose nodes read and update one shared state.

    Each key of ``state_schema`` (a TypedDict, dataclass or pydantic model) becomes a
    channel; ``Annotated[type, reducer]`` says how concurrent or repeated updates
    combine.  Add nodes and edges, then ``compile()`` into a runnable graph.

    Examples:
        >>> import operator
        >>> from typing import Annotated
        >>> from typing_extensions import TypedDict
        >>> from stategraph.graph import END, START, StateGraph
        >>> class State(TypedDict):
        ...     n: int
        ...     path: Annotated[list[str], operator.add]
        >>> builder = StateGraph(State)
        >>> builder = builder.add_node("check", lambda state: {"path": ["check"]})
        >>> builder = builder.add_node("even", lambda state: {"path": ["even"]})
        >>> builder = builder.add_node("odd", lambda state: {"path": ["odd"]})
        >>> builder = builder.add_edge(START, "check")
        >>> def parity(state: State) -> str:
        ...     return "even" if state["n"] % 2 == 0 else "odd"
        >>> builder = builder.add_conditional_edges("check", parity, ["even", "odd"])
        >>> graph = builder.add_edge("even", END).add_edge("odd", END).compile()
        >>> graph.invoke({"n": 3, "path": []})
        {'n': 3, 'path': ['check', 'odd']}

        Mistakes are reported when compiling, with a code:

        >>> try:
        ...     StateGraph(State).add_node("a", lambda state: {}).add_edge(START, "b").compile()
        ... except ValueError as e:
        ...     print(e.code.name)
        BUILD_UNKNOWN_NODE
    """

    def __init__(
        self,
        state_schema: Any,
        context_schema: Any = None,
        *,
        input_schema: Any = None,
        output_schema: Any = None,
        **kwargs: Any,
    ) -> None:
        context_schema = context_schema or _deprecated(kwargs, "config_schema", "context_schema", "V10")
        input_schema = input_schema or _deprecated(kwargs, "input", "input_schema", "V05")
        output_schema = output_schema or _deprecated(kwargs, "output", "output_schema", "V05")
        if state_schema is None:
            warnings.warn(
                "StateGraph(None): the state is then one root value that each node replaces. Give a "
                "TypedDict, dataclass or pydantic model (or Annotated[type, reducer]) as state_schema.",
                stacklevel=2,
            )
        self.state_schema = state_schema
        self.context_schema = context_schema
        self.input_schema = input_schema or state_schema
        self.output_schema = output_schema or state_schema
        self.nodes: dict[str, NodeSpec] = {}
        self.edges: list[tuple[str, str]] = []
        self.waiting_edges: list[tuple[tuple[str, ...], str]] = []
        self.branches: dict[str, dict[str, Branch]] = {}
        self.channels: dict[str, Any] = {}
        self.managed: dict[str, Any] = {}
        self.schemas: dict[Any, dict[str, Any]] = {}
        self.compiled = False
        self._node_defaults: dict[str, Any] = {}
        self._add_schema(state_schema)
        for schema in (self.input_schema, self.output_schema):
            self._add_schema(schema, allow_managed=schema is state_schema)

    # ------------------------------------------------------------------ schema
    def _add_schema(self, schema: Any, *, allow_managed: bool = True) -> None:
        if schema in self.schemas:
            return
        chans = channels_of(schema)
        self.schemas[schema] = chans
        for key, ch in chans.items():
            if isinstance(ch, type):
                if not allow_managed:
                    raise _err(f"Managed value '{key}' is not allowed in an input/output schema.", ErrorCode.BUILD_BAD_SCHEMA)
                self.managed[key] = ch
                continue
            existing = self.channels.get(key)
            if existing is None:
                self.channels[key] = ch
            elif type(existing).__name__ != "LastValue" and type(ch).__name__ != "LastValue" and existing != ch:
                raise _err(f"Channel '{key}' already exists with a different type", ErrorCode.BUILD_BAD_SCHEMA)
            elif type(existing).__name__ == "LastValue" and type(ch).__name__ != "LastValue":
                self.channels[key] = ch

    # ------------------------------------------------------------------ nodes
    def set_node_defaults(
        self, *, retry_policy: Any = None, cache_policy: Any = None, error_handler: Any = None, timeout: Any = None,
        **kwargs: Any,
    ) -> StateGraph:
        """Defaults for every node that does not set its own (error_handler: not for handlers)."""
        given = (("retry_policy", retry_policy), ("cache_policy", cache_policy), ("timeout", timeout),
                 ("error_handler", error_handler))
        self._node_defaults.update({k: v for k, v in given if v is not None})
        return self

    def add_node(
        self,
        node: Any,
        action: Any = None,
        *,
        defer: bool = False,
        metadata: dict[str, Any] | None = None,
        input_schema: Any = None,
        retry_policy: RetryPolicy | Sequence[RetryPolicy] | None = None,
        cache_policy: CachePolicy | None = None,
        destinations: dict[str, str] | tuple[str, ...] | None = None,
        timeout: Any = None,
        error_handler: Any = None,
        **kwargs: Any,
    ) -> StateGraph:
        """Add a node: ``add_node("name", fn)`` or ``add_node(fn)`` (named after the function)."""
        retry_policy = retry_policy or _deprecated(kwargs, "retry", "retry_policy", "V05")
        input_schema = input_schema or _deprecated(kwargs, "input", "input_schema", "V05")
        if not isinstance(node, str):
            action, name = node, _name_of(node)
        else:
            name = node
            if action is None:
                # why: LangGraph raises RuntimeError here; we keep the type and say what to do
                raise coded(RuntimeError, f"add_node('{name}') needs an action: add_node('{name}', fn).",
                            ErrorCode.BUILD_BAD_ARGUMENT)
        if self.compiled:
            warnings.warn("Adding a node to a graph that has already been compiled. This will not be reflected in the compiled graph.", stacklevel=2)
        if name in (START, END):
            raise _err(f"Node `{name}` is reserved.", ErrorCode.BUILD_RESERVED_NAME)
        for ch in (NS_SEP, NS_END):
            if ch in name:
                raise _err(f"'{ch}' is a reserved character and is not allowed in node names (node {name!r}).", ErrorCode.BUILD_RESERVED_NAME)
        if name in self.nodes:
            raise _err(f"Node `{name}` already present.", ErrorCode.BUILD_DUPLICATE_NODE)
        if action is None or not (callable(action) or hasattr(action, "invoke")):
            raise coded(TypeError, f"Node '{name}': action must be a callable or a runnable graph, got {action!r}.",
                        ErrorCode.BUILD_BAD_ARGUMENT)
        inferred = input_schema or first_param_schema(action)
        if inferred is not None:
            self._add_schema(inferred)
        out = return_schema(action)
        if out is not None:
            self._add_schema(out)
        if timeout is not None and not _is_async_callable(action):
            raise _err(
                f"Node '{name}': timeout= needs an async node (a sync function cannot be stopped safely). "
                "Make the node `async def`, or drop the timeout.", ErrorCode.BUILD_BAD_ARGUMENT)
        ends = destinations if destinations is not None else _command_ends(action)
        self.nodes[name] = NodeSpec(
            runnable=action, metadata=metadata, input_schema=inferred or self.state_schema,
            retry_policy=retry_policy, cache_policy=cache_policy, ends=ends or (), defer=defer,
            timeout=_coerce_timeout(timeout), error_handler=_checked_handler(name, error_handler),
        )
        return self

    def add_edge(self, start_key: str | list[str], end_key: str) -> StateGraph:
        """Plain edge, or a waiting edge (join) when ``start_key`` is a list."""
        if self.compiled:
            warnings.warn("Adding an edge to a graph that has already been compiled.", stacklevel=2)
        if isinstance(start_key, str):
            if start_key == END:
                raise _err("END cannot be a start node", ErrorCode.BUILD_BAD_EDGE)
            if end_key == START:
                raise _err("START cannot be an end node", ErrorCode.BUILD_BAD_EDGE)
            self.edges.append((start_key, end_key))
            return self
        for s in start_key:
            if s == END:
                raise _err("END cannot be a start node", ErrorCode.BUILD_BAD_EDGE)
            if s not in self.nodes:
                raise _err(f"Need to add_node `{s}` first", ErrorCode.BUILD_UNKNOWN_NODE)
        if end_key == START:
            raise _err("START cannot be an end node", ErrorCode.BUILD_BAD_EDGE)
        if end_key != END and end_key not in self.nodes:
            raise _err(f"Need to add_node `{end_key}` first", ErrorCode.BUILD_UNKNOWN_NODE)
        self.waiting_edges.append((tuple(start_key), end_key))
        return self

    def add_conditional_edges(self, source: str, path: Any, path_map: dict[Hashable, str] | list[str] | None = None) -> StateGraph:
        """Route from ``source`` by calling ``path`` on the state after ``source`` ran."""
        name = getattr(path, "__name__", None) or "condition"
        if name == "<lambda>":
            name = "condition"
        existing = self.branches.setdefault(source, {})
        if name in existing:
            raise _err(f"Branch with name `{name}` already exists for node `{source}`", ErrorCode.BUILD_BAD_EDGE)
        from ._branch import Branch

        existing[name] = Branch(path, path_map)
        return self

    def add_sequence(self, nodes: Sequence[Any]) -> StateGraph:
        if not nodes:
            raise _err("Sequence requires at least one node.", ErrorCode.BUILD_BAD_ARGUMENT)
        previous = None
        for item in nodes:
            name, action = item if isinstance(item, tuple) else (_name_of(item), item)
            if name in self.nodes:
                raise _err(f"Node names must be unique: node with the name '{name}' already exists.", ErrorCode.BUILD_DUPLICATE_NODE)
            self.add_node(name, action)
            if previous is not None:
                self.add_edge(previous, name)
            previous = name
        return self

    def set_entry_point(self, key: str) -> StateGraph:
        return self.add_edge(START, key)

    def set_conditional_entry_point(self, path: Any, path_map: Any = None) -> StateGraph:
        return self.add_conditional_edges(START, path, path_map)

    def set_finish_point(self, key: str) -> StateGraph:
        return self.add_edge(key, END)

    # ------------------------------------------------------------------ compile
    def validate(self, interrupt: Sequence[str] | None = None) -> StateGraph:
        from ._validate import validate_graph

        validate_graph(self, interrupt)
        return self

    def compile(
        self,
        checkpointer: Any = None,
        *,
        cache: Any = None,
        store: Any = None,
        interrupt_before: Any = None,
        interrupt_after: Any = None,
        debug: bool = False,
        name: str | None = None,
        **kwargs: Any,
    ) -> CompiledStateGraph:
        """Validate the graph and lower it to a runnable ``CompiledStateGraph``."""
        from ._compile import compile_graph

        return compile_graph(
            self, checkpointer=checkpointer, cache=cache, store=store, interrupt_before=interrupt_before or (),
            interrupt_after=interrupt_after or (), debug=debug, name=name or "LangGraph",
        )


def _deprecated(kwargs: dict[str, Any], old: str, new: str, since: str) -> Any:
    """Pop a deprecated keyword, warning as LangGraph does (LangGraphDeprecatedSinceV05/V10)."""
    if old not in kwargs:
        return None
    from .. import warnings as deprecations

    category = getattr(deprecations, f"LangGraphDeprecatedSince{since}")
    warnings.warn(f"`{old}` is deprecated and will be removed. Please use `{new}` instead.", category, stacklevel=3)
    return kwargs.pop(old)


def _checked_handler(name: str, handler: Any) -> Any:
    if handler is not None and not (callable(handler) or hasattr(handler, "invoke")):
        raise coded(TypeError, f"Node '{name}': error_handler must be a callable, got {handler!r}.",
                    ErrorCode.BUILD_BAD_ARGUMENT)
    return handler


def _is_async_callable(action: Any) -> bool:
    from ..pregel._call import is_async_callable

    return is_async_callable(action)


def _coerce_timeout(timeout: Any) -> Any:
    if timeout is None:
        return None
    from .._types_lazy import TimeoutPolicy

    return TimeoutPolicy.coerce(timeout)


def _name_of(action: Any) -> str:
    get_name = getattr(action, "get_name", None)
    if callable(get_name):
        try:
            return str(get_name())
        except Exception:
            pass
    return getattr(action, "__name__", None) or type(action).__name__


def _command_ends(action: Any) -> tuple[str, ...]:
    from ..types import Command

    try:
        ann = get_type_hints(action).get("return")
    except (TypeError, NameError):
        return ()
    found: list[str] = []
    for candidate in get_args(ann) if get_origin(ann) is Union or str(get_origin(ann)) == "<class 'types.UnionType'>" else [ann]:
        if get_origin(candidate) is Command or candidate is Command:
            for arg in get_args(candidate):
                if get_origin(arg) is Literal:
                    found.extend(get_args(arg))
    return tuple(found)


__getattr__, __dir__ = lazy_exports(__name__, {"CompiledStateGraph": "._compiled"})
