"""Public value types: Send, Command, Interrupt, policies, snapshots, and ``interrupt()``.

These are plain data; the engine in ``stategraph.pregel`` gives them meaning.
"""

# why: over the 400-line target: over half the lines are the runnable examples in the
# docstrings (each builds a small graph); the types themselves are short and one family.

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, NamedTuple, TypeAlias, TypeVar

if TYPE_CHECKING:
    from ._stream_parts import (
        CheckpointPayload,
        CheckpointStreamPart,
        CheckpointTask,
        CustomStreamPart,
        DebugPayload,
        DebugStreamPart,
        MessagesStreamPart,
        StreamPart,
        TaskPayload,
        TaskResultPayload,
        TasksStreamPart,
        UpdatesStreamPart,
        ValuesStreamPart,
    )
    from ._trace_policy import TracePolicy, omit_payload
    from ._types_lazy import TimeoutPolicy
    from .checkpoint.base import BaseCheckpointSaver

__all__ = [
    "All",
    "CacheKey",
    "CachePolicy",  # noqa: F822 - provided lazily by __getattr__
    "Checkpointer",
    "Command",
    "Durability",
    "GraphOutput",  # noqa: F822
    "Interrupt",
    "Overwrite",
    "PregelExecutableTask",  # noqa: F822
    "PregelTask",
    "RetryPolicy",
    "Send",
    "StateSnapshot",
    "StateUpdate",
    "StreamMode",
    "StreamWriter",
    "TimeoutPolicy",
    "default_retry_on",
    "interrupt",
    "ensure_valid_checkpointer",
    # stream part and payload types (stategraph._stream_parts), trace settings (_trace_policy)
    "CheckpointPayload",
    "CheckpointStreamPart",
    "CheckpointTask",
    "CustomStreamPart",
    "DebugPayload",
    "DebugStreamPart",
    "MessagesStreamPart",
    "StreamPart",
    "TaskPayload",
    "TaskResultPayload",
    "TasksStreamPart",
    "UpdatesStreamPart",
    "ValuesStreamPart",
    "TracePolicy",
    "omit_payload",
]

StreamMode: TypeAlias = Literal[
    "values", "updates", "checkpoints", "tasks", "debug", "messages", "custom"
]
StreamWriter: TypeAlias = Callable[[Any], None]
Durability: TypeAlias = Literal["sync", "async", "exit"]
All: TypeAlias = Literal["*"]
Checkpointer: TypeAlias = "None | bool | BaseCheckpointSaver"

N = TypeVar("N", bound=Hashable)
ValueT = TypeVar("ValueT")


def ensure_valid_checkpointer(checkpointer: Any) -> Any:
    """Return ``checkpointer`` if it is None, a bool or a saver; raise TypeError otherwise.

    Examples:
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.types import ensure_valid_checkpointer
        >>> ensure_valid_checkpointer(None), ensure_valid_checkpointer(True)
        (None, True)
        >>> type(ensure_valid_checkpointer(InMemorySaver())).__name__
        'InMemorySaver'
        >>> try:
        ...     ensure_valid_checkpointer("memory")
        ... except TypeError as e:
        ...     print(e)
        Invalid checkpointer 'memory': expected None, True, False or a BaseCheckpointSaver instance such as InMemorySaver().
    """
    if checkpointer is None or isinstance(checkpointer, bool):
        return checkpointer
    from .checkpoint.base import BaseCheckpointSaver

    if isinstance(checkpointer, BaseCheckpointSaver):
        return checkpointer
    raise TypeError(
        f"Invalid checkpointer {checkpointer!r}: expected None, True, False or a "
        "BaseCheckpointSaver instance such as InMemorySaver()."
    )


def default_retry_on(exc: Exception) -> bool:
    """Retry on transient failures; never on the usual programming errors.

    Examples:
        >>> from stategraph.types import RetryPolicy, default_retry_on
        >>> default_retry_on(ConnectionError("reset by peer"))
        True
        >>> default_retry_on(ValueError("bad input")), default_retry_on(KeyError("x"))
        (False, False)
        >>> RetryPolicy().retry_on is default_retry_on  # what a RetryPolicy checks by default
        True
    """
    if isinstance(exc, ConnectionError):
        return True
    if isinstance(exc, NodeTimeoutErrorType()):
        return True
    if isinstance(
        exc,
        (
            ValueError,
            TypeError,
            ArithmeticError,
            ImportError,
            LookupError,
            NameError,
            SyntaxError,
            RuntimeError,
            ReferenceError,
            StopIteration,
            StopAsyncIteration,
            OSError,
        ),
    ):
        return False
    status = _http_status(exc)
    if status is not None:
        return 500 <= status < 600
    return True


def NodeTimeoutErrorType() -> type:
    from .errors import NodeTimeoutError

    return NodeTimeoutError


def _http_status(exc: Exception) -> int | None:
    # httpx.HTTPStatusError / requests.HTTPError carry .response.status_code; checked by
    # duck typing so neither library is imported.
    name = type(exc).__name__
    if name in ("HTTPStatusError", "HTTPError"):
        response = getattr(exc, "response", None)
        code = getattr(response, "status_code", None)
        if isinstance(code, int):
            return code
    return None


class RetryPolicy(NamedTuple):
    """How a failing node is retried: exponential backoff with optional jitter.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import RetryPolicy
        >>> class State(TypedDict):
        ...     n: int
        >>> attempts = []
        >>> def flaky(state: State) -> State:
        ...     attempts.append(1)
        ...     if len(attempts) < 3:
        ...         raise ConnectionError("network blip")  # retried by default
        ...     return {"n": state["n"] + 1}
        >>> policy = RetryPolicy(max_attempts=3, initial_interval=0.01, jitter=False)
        >>> builder = StateGraph(State).add_node("flaky", flaky, retry_policy=policy)
        >>> builder.add_edge(START, "flaky").compile().invoke({"n": 1}), len(attempts)
        ({'n': 2}, 3)
    """

    initial_interval: float = 0.5
    backoff_factor: float = 2.0
    max_interval: float = 128.0
    max_attempts: int = 3
    jitter: bool = True
    retry_on: type[Exception] | Sequence[type[Exception]] | Callable[[Exception], bool] = (
        default_retry_on
    )


class CacheKey(NamedTuple):
    """Where a cached node result lives: namespace ``ns``, ``key`` and ``ttl`` in seconds.

    Examples:
        >>> from stategraph.cache.memory import InMemoryCache
        >>> from stategraph.types import CacheKey
        >>> entry = CacheKey(ns=("node", "summarize"), key="a1b2", ttl=60)
        >>> cache = InMemoryCache()
        >>> cache.set({(entry.ns, entry.key): ({"summary": "short"}, entry.ttl)})
        >>> cache.get([(entry.ns, entry.key)])
        {(('node', 'summarize'), 'a1b2'): {'summary': 'short'}}
    """

    ns: tuple[str, ...]
    key: str
    ttl: int | None


class Send:
    """A message to run ``node`` with ``arg`` as its whole input in the next superstep.

    Examples:
        Fan out: one ``work`` task per item, their results folded by the reducer.

        >>> import operator
        >>> from typing import Annotated
        >>> from typing_extensions import TypedDict
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import Send
        >>> class State(TypedDict):
        ...     items: Annotated[list, operator.add]
        >>> def fan_out(state: State) -> list[Send]:
        ...     return [Send("work", {"items": [word]}) for word in ("ab", "cd")]
        >>> builder = StateGraph(State).add_node("work", lambda s: {"items": [s["items"][0].upper()]})
        >>> builder.add_conditional_edges(START, fan_out).compile().invoke({"items": []})
        {'items': ['AB', 'CD']}
        >>> Send("work", {"items": ["ab"]})
        Send(node='work', arg={'items': ['ab']})
    """

    __slots__ = ("node", "arg", "timeout")

    def __init__(
        self, node: str, arg: Any, *, timeout: TimeoutPolicy | float | None = None
    ) -> None:
        self.node = node
        self.arg = arg
        if timeout is None:
            self.timeout = None
        else:
            from ._types_lazy import TimeoutPolicy

            self.timeout = TimeoutPolicy.coerce(timeout)

    def __hash__(self) -> int:
        return hash((self.node, _hashable(self.arg)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Send) and (self.node, self.arg, self.timeout) == (
            other.node,
            other.arg,
            other.timeout,
        )

    def __repr__(self) -> str:
        return f"Send(node={self.node!r}, arg={self.arg!r})"


def _hashable(v: Any) -> Any:
    try:
        hash(v)
        return v
    except TypeError:
        return repr(v)


@dataclass(frozen=True, kw_only=True)
class Command(Generic[N]):
    """Update state, jump to nodes, resume interrupts, or address the parent graph.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import Command
        >>> class State(TypedDict):
        ...     route: str
        >>> def decide(state: State) -> Command:
        ...     return Command(update={"route": "to b"}, goto="b")
        >>> builder = StateGraph(State).add_node("a", decide, destinations=("b",))
        >>> builder = builder.add_node("b", lambda state: {"route": state["route"] + ", done"})
        >>> builder.add_edge(START, "a").compile().invoke({"route": ""})
        {'route': 'to b, done'}
        >>> Command(goto="b", update={"route": "x"})
        Command(update={'route': 'x'}, goto='b')
    """

    graph: str | None = None
    update: Any | None = None
    resume: dict[str, Any] | Any | None = None
    goto: Send | Sequence[Send | N] | N = ()

    PARENT: ClassVar[Literal["__parent__"]] = "__parent__"

    def __repr__(self) -> str:
        parts = ", ".join(
            f"{f.name}={getattr(self, f.name)!r}"
            for f in dataclasses.fields(self)
            if getattr(self, f.name) not in (None, ())
        )
        return f"Command({parts})"

    def _update_as_tuples(self) -> Sequence[tuple[str, Any]]:
        from .pregel._io import update_as_tuples

        return update_as_tuples(self.update)


# langchain-core tools may return a Command; it looks for this marker base when installed.
try:  # pragma: no cover - exercised only with langchain-core installed
    import sys as _sys

    if "langchain_core" in _sys.modules:
        from langchain_core.tools.base import ToolOutputMixin as _ToolOutputMixin  # type: ignore

        Command.__bases__ = (_ToolOutputMixin, *Command.__bases__)  # type: ignore[assignment]
except Exception:
    pass


@dataclass(slots=True)
class Interrupt(Generic[ValueT]):
    """A pause raised by ``interrupt(value)``; ``id`` identifies it for resuming.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import Interrupt, interrupt
        >>> class State(TypedDict):
        ...     answer: str
        >>> def ask(state: State) -> State:
        ...     return {"answer": interrupt({"question": "Approve?"})}
        >>> graph = StateGraph(State).add_node(ask).add_edge(START, "ask").compile(
        ...     checkpointer=InMemorySaver()
        ... )
        >>> result = graph.invoke({"answer": ""}, {"configurable": {"thread_id": "1"}})
        >>> [pause] = result["__interrupt__"]
        >>> isinstance(pause, Interrupt), pause.value
        (True, {'question': 'Approve?'})
        >>> pause
        Interrupt(value={'question': 'Approve?'}, id='...', response_schema=None)
    """

    value: ValueT
    id: str = "placeholder-id"
    # the JSON schema of the answer ``interrupt(..., response_schema=...)`` expects (None: any)
    response_schema: Any = field(default=None, kw_only=True)

    @property
    def interrupt_id(self) -> str:
        return self.id

    @classmethod
    def from_ns(cls, value: Any, ns: str, *, response_schema: Any = None) -> Interrupt[Any]:
        from .pregel._ids import interrupt_id

        return cls(value=value, id=interrupt_id(ns, 0), response_schema=response_schema)


@dataclass(slots=True)
class Overwrite:
    """Replace a reducer channel's value instead of folding into it.

    Examples:
        >>> import operator
        >>> from typing import Annotated
        >>> from typing_extensions import TypedDict
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import Overwrite
        >>> class State(TypedDict):
        ...     items: Annotated[list, operator.add]
        >>> def append(state: State) -> State:
        ...     return {"items": ["appended"]}
        >>> def reset(state: State) -> State:
        ...     return {"items": Overwrite(["fresh"])}  # bypasses operator.add
        >>> for node in (append, reset):
        ...     graph = StateGraph(State).add_node(node).add_edge(START, node.__name__).compile()
        ...     print(graph.invoke({"items": ["old"]}))
        {'items': ['old', 'appended']}
        {'items': ['fresh']}
    """

    value: Any
    type: str = "__overwrite__"


class StateUpdate(NamedTuple):
    """One write of ``bulk_update_state``: ``values`` as if node ``as_node`` returned them.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import StateUpdate
        >>> class State(TypedDict):
        ...     n: int
        >>> builder = StateGraph(State).add_node("a", lambda s: {"n": s["n"] + 1})
        >>> builder = builder.add_node("b", lambda s: {"n": s["n"] * 10})
        >>> builder = builder.add_edge(START, "a").add_edge("a", "b")
        >>> graph = builder.compile(checkpointer=InMemorySaver())
        >>> config = {"configurable": {"thread_id": "1"}}
        >>> graph.invoke({"n": 1}, config)
        {'n': 20}
        >>> _ = graph.bulk_update_state(config, [[StateUpdate({"n": 5}, as_node="a")]])
        >>> graph.get_state(config).next  # as if "a" had just written n=5
        ('b',)
        >>> graph.invoke(None, config)
        {'n': 50}
    """

    values: dict[str, Any] | None
    as_node: str | None = None
    task_id: str | None = None


class PregelTask(NamedTuple):
    """A task of a ``StateSnapshot``: its node ``name``, and ``error``/``interrupts`` if any.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.pregel.debug import PregelTask
        >>> class State(TypedDict):
        ...     n: int
        >>> def check(state: State) -> State:
        ...     raise ValueError("n must be positive")
        >>> graph = StateGraph(State).add_node(check).add_edge(START, "check").compile(
        ...     checkpointer=InMemorySaver()
        ... )
        >>> config = {"configurable": {"thread_id": "1"}}
        >>> try:
        ...     graph.invoke({"n": -1}, config)
        ... except ValueError:
        ...     pass
        >>> [task] = graph.get_state(config).tasks  # the task that failed, kept for a retry
        >>> isinstance(task, PregelTask), task.name, task.path
        (True, 'check', ('__pregel_pull', 'check'))
        >>> task.error  # read back from the checkpoint: the error's repr, as in LangGraph
        "ValueError('n must be positive')"
    """

    id: str
    name: str
    path: tuple[str | int | tuple, ...]
    error: Exception | None = None
    interrupts: tuple[Interrupt, ...] = ()
    state: Any = None
    result: Any | None = None


class StateSnapshot(NamedTuple):
    """The state of a thread at one checkpoint.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import interrupt
        >>> class State(TypedDict):
        ...     answer: str
        >>> def ask(state: State) -> State:
        ...     return {"answer": interrupt("Approve?")}
        >>> graph = StateGraph(State).add_node(ask).add_edge(START, "ask").compile(
        ...     checkpointer=InMemorySaver()
        ... )
        >>> config = {"configurable": {"thread_id": "1"}}
        >>> _ = graph.invoke({"answer": ""}, config)
        >>> snapshot = graph.get_state(config)
        >>> snapshot.values, snapshot.next, snapshot.metadata["step"]
        ({'answer': ''}, ('ask',), 0)
        >>> [pause.value for pause in snapshot.interrupts], [t.name for t in snapshot.tasks]
        (['Approve?'], ['ask'])
    """

    values: dict[str, Any] | Any
    next: tuple[str, ...]
    config: dict[str, Any]
    metadata: dict[str, Any] | None
    created_at: str | None
    parent_config: dict[str, Any] | None
    tasks: tuple[PregelTask, ...]
    interrupts: tuple[Interrupt, ...] = ()


_LAZY = {"CachePolicy", "TimeoutPolicy", "GraphOutput", "PregelExecutableTask"}
# name -> defining module, for the stream part types and the trace settings
_LAZY_ELSEWHERE = dict.fromkeys(
    (
        "CheckpointPayload",
        "CheckpointStreamPart",
        "CheckpointTask",
        "CustomStreamPart",
        "DebugPayload",
        "DebugStreamPart",
        "MessagesStreamPart",
        "StreamPart",
        "TaskPayload",
        "TaskResultPayload",
        "TasksStreamPart",
        "UpdatesStreamPart",
        "ValuesStreamPart",
    ),
    "._stream_parts",
) | {"TracePolicy": "._trace_policy", "omit_payload": "._trace_policy"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import _types_lazy

        return getattr(_types_lazy, name)
    if name in _LAZY_ELSEWHERE:
        from importlib import import_module

        return getattr(import_module(_LAZY_ELSEWHERE[name], __package__), name)
    raise AttributeError(f"module 'stategraph.types' has no attribute {name!r}")


def interrupt(value: Any, *, response_schema: Any = None) -> Any:
    """Pause the current node and surface ``value``; return the resume value when resumed.

    The node re-runs from its start when resumed; earlier ``interrupt()`` calls in it
    return their stored answers in order.  Needs a checkpointer.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import Command, interrupt
        >>> class State(TypedDict):
        ...     draft: str
        >>> def review(state: State) -> State:
        ...     verdict = interrupt({"draft": state["draft"], "question": "Publish?"})
        ...     return {"draft": f"{state['draft']} ({verdict})"}
        >>> graph = StateGraph(State).add_node(review).add_edge(START, "review").compile(
        ...     checkpointer=InMemorySaver()
        ... )
        >>> config = {"configurable": {"thread_id": "1"}}
        >>> graph.invoke({"draft": "Hello"}, config)["__interrupt__"][0].value
        {'draft': 'Hello', 'question': 'Publish?'}
        >>> graph.invoke(Command(resume="approved"), config)
        {'draft': 'Hello (approved)'}
    """
    from .pregel._interrupt import interrupt as _interrupt

    return _interrupt(value, response_schema=response_schema)


del field
