"""Public value types: Send, Command, Interrupt, policies, snapshots, and ``interrupt()``.

These are plain data; the engine in ``stategraph.pregel`` gives them meaning.
"""

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

StreamMode: TypeAlias = Literal["values", "updates", "checkpoints", "tasks", "debug", "messages", "custom"]
StreamWriter: TypeAlias = Callable[[Any], None]
Durability: TypeAlias = Literal["sync", "async", "exit"]
All: TypeAlias = Literal["*"]
Checkpointer: TypeAlias = "None | bool | BaseCheckpointSaver"

N = TypeVar("N", bound=Hashable)
ValueT = TypeVar("ValueT")


def ensure_valid_checkpointer(checkpointer: Any) -> Any:
    """Return ``checkpointer`` if it is None, a bool or a saver; raise TypeError otherwise."""
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
    """Retry on transient failures; never on the usual programming errors."""
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
    """How a failing node is retried: exponential backoff with optional jitter."""

    initial_interval: float = 0.5
    backoff_factor: float = 2.0
    max_interval: float = 128.0
    max_attempts: int = 3
    jitter: bool = True
    retry_on: type[Exception] | Sequence[type[Exception]] | Callable[[Exception], bool] = default_retry_on


class CacheKey(NamedTuple):
    ns: tuple[str, ...]
    key: str
    ttl: int | None


class Send:
    """A message to run ``node`` with ``arg`` as its whole input in the next superstep."""

    __slots__ = ("node", "arg", "timeout")

    def __init__(self, node: str, arg: Any, *, timeout: TimeoutPolicy | float | None = None) -> None:
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
    """Update state, jump to nodes, resume interrupts, or address the parent graph."""

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
    """A pause raised by ``interrupt(value)``; ``id`` identifies it for resuming."""

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
    """Replace a reducer channel's value instead of folding into it."""

    value: Any
    type: str = "__overwrite__"


class StateUpdate(NamedTuple):
    values: dict[str, Any] | None
    as_node: str | None = None
    task_id: str | None = None


class PregelTask(NamedTuple):
    id: str
    name: str
    path: tuple[str | int | tuple, ...]
    error: Exception | None = None
    interrupts: tuple[Interrupt, ...] = ()
    state: Any = None
    result: Any | None = None


class StateSnapshot(NamedTuple):
    """The state of a thread at one checkpoint."""

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
    ("CheckpointPayload", "CheckpointStreamPart", "CheckpointTask", "CustomStreamPart", "DebugPayload",
     "DebugStreamPart", "MessagesStreamPart", "StreamPart", "TaskPayload", "TaskResultPayload",
     "TasksStreamPart", "UpdatesStreamPart", "ValuesStreamPart"),
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
    """
    from .pregel._interrupt import interrupt as _interrupt

    return _interrupt(value, response_schema=response_schema)


del field
