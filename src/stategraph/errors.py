"""Every exception stategraph raises, in one tree.

    Exception
    ├── InvalidUpdateError                     bad writes: concurrent LastValue, bad node return
    ├── EmptyInputError                        nothing to run: input None and nothing to resume
    ├── EmptyChannelError                      reading a channel that holds no value
    RecursionError
    └── GraphRecursionError                    a run exceeded ``recursion_limit`` supersteps
    StategraphError (Exception)                stategraph's own failures
    ├── GraphBuildError (+ ValueError)         structural mistakes, raised by StateGraph/compile
    ├── CheckpointError                        corrupt/unknown stored data, missing checkpoints
    │   └── ConcurrentRunError                 a second writer on the same thread
    ├── StoreError (+ ValueError)              long-term store misuse
    ├── SerializationError (+ TypeError)       a value that cannot be (de)serialized
    ├── RuntimeContextError (+ RuntimeError)   get_config()/get_runtime() outside a run
    ├── NodeTimeoutError                       a node exceeded its timeout
    ├── NodeCancelledError                     a node raised asyncio.CancelledError itself
    └── UnknownInterruptError (+ RuntimeError) a resume that matches no pending interrupt

    GraphBubbleUp (Exception)                  control flow, never a failure
    ├── GraphInterrupt                         a node paused the run (``interrupt()``)
    │   └── NodeInterrupt                      deprecated raise-form of interrupt
    ├── ParentCommand                          a Command(graph=PARENT) travelling up
    └── GraphDrained                           the run stopped at a step boundary on request

The first four keep LangGraph's exact bases (programs and tests check their MRO); they carry
a ``code`` through the ``Coded`` mixin.  Where LangGraph raises a builtin (ValueError,
RuntimeError, TypeError, KeyError) we raise the same builtin with a ``[Exxx]`` code in the
message and a ``code`` attribute.

``GraphBubbleUp`` subclasses ``Exception`` (as in LangGraph) so existing
``except Exception`` code keeps its meaning; the engine never retries or
caches it.  Messages say what happened, where, and how to fix it.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

__all__ = [
    "ErrorCode",
    "Coded",
    "StategraphError",
    "GraphBuildError",
    "InvalidUpdateError",
    "GraphRecursionError",
    "EmptyInputError",
    "EmptyChannelError",
    "CheckpointError",
    "ConcurrentRunError",
    "StoreError",
    "SerializationError",
    "RuntimeContextError",
    "NodeTimeoutError",
    "GraphBubbleUp",
    "GraphInterrupt",
    "NodeInterrupt",
    "ParentCommand",
    "GraphDrained",
    "TaskNotFound",
    "UnknownInterruptError",
    "create_error_message",
    "coded",
    "is_invalid_resume",
    "NodeCancelledError",
    "NodeError",
]

# The errors page of the documentation site (make docs builds it: reference/errors/#CODE).
DOCS_URL = "https://stategraph.dev/reference/errors/#"


class ErrorCode(Enum):
    """LangGraph's troubleshooting codes plus stategraph's own stable codes."""

    GRAPH_RECURSION_LIMIT = "GRAPH_RECURSION_LIMIT"
    INVALID_CONCURRENT_GRAPH_UPDATE = "INVALID_CONCURRENT_GRAPH_UPDATE"
    INVALID_GRAPH_NODE_RETURN_VALUE = "INVALID_GRAPH_NODE_RETURN_VALUE"
    MULTIPLE_SUBGRAPHS = "MULTIPLE_SUBGRAPHS"
    INVALID_CHAT_HISTORY = "INVALID_CHAT_HISTORY"
    # stategraph codes: E1xx build, E2xx run, E3xx persistence, E4xx store, E5xx server
    BUILD_UNKNOWN_NODE = "E101"
    BUILD_RESERVED_NAME = "E102"
    BUILD_DUPLICATE_NODE = "E103"
    BUILD_NO_ENTRY = "E104"
    BUILD_BAD_REDUCER = "E105"
    BUILD_ORPHAN_NODE = "E106"
    BUILD_BAD_SCHEMA = "E107"
    BUILD_BAD_EDGE = "E108"
    BUILD_BAD_ARGUMENT = "E109"
    RUN_BAD_INPUT = "E201"
    RUN_ASYNC_IN_SYNC = "E202"
    RUN_BAD_SEND = "E203"
    RUN_REDUCER_FAILED = "E204"
    RUN_BAD_CONTEXT = "E205"
    RUN_OUTSIDE_CONTEXT = "E206"
    RUN_TIMEOUT = "E207"
    RUN_BAD_RESUME = "E208"
    RUN_NO_CHECKPOINTER = "E209"
    RUN_NON_DETERMINISTIC = "E210"
    RUN_NODE_CANCELLED = "E211"
    CHECKPOINT_CORRUPT = "E301"
    CHECKPOINT_SCHEMA_TOO_NEW = "E302"
    CHECKPOINT_UNKNOWN_TYPE = "E303"
    CHECKPOINT_NOT_FOUND = "E304"
    CHECKPOINT_CONCURRENT_WRITER = "E305"
    CHECKPOINT_NOT_SERIALIZABLE = "E306"
    CHECKPOINT_BAD_ARGUMENT = "E307"
    STORE_BAD_NAMESPACE = "E401"
    STORE_BAD_VALUE = "E402"
    STORE_BAD_FILTER = "E403"
    STORE_EMBEDDING = "E404"
    SERVER_REMOTE_FAILED = "E501"


def coded(exc_type: type[BaseException], message: str, code: ErrorCode, **attrs: Any) -> Any:
    """A builtin exception (the type LangGraph raises) carrying our ``code`` and attributes."""
    exc = exc_type(f"{message} [{code.value}]")
    exc.code = code  # type: ignore[attr-defined]
    for k, v in attrs.items():
        setattr(exc, k, v)
    return exc


def create_error_message(*, message: str, error_code: ErrorCode) -> str:
    """Append the troubleshooting link for ``error_code`` to ``message``."""
    return f"{message}\nFor troubleshooting, visit: {DOCS_URL}{error_code.value}"


class Coded:
    """Mixin: a stable ``code`` plus structured attributes (node, channel, step, key...)."""

    code: ErrorCode | None = None

    def __init__(self, message: str = "", *args: Any, code: ErrorCode | None = None, **attrs: Any):
        BaseException.__init__(self, message, *args)  # type: ignore[arg-type]
        if code is not None:
            self.code = code
        # structured context: node, channel, step, thread_id, key, path ...
        self.attrs = attrs
        for k, v in attrs.items():
            setattr(self, k, v)

    def __str__(self) -> str:
        base = BaseException.__str__(self)  # type: ignore[arg-type]
        if self.code is not None and self.code.value.startswith("E") and f"[{self.code.value}]" not in base:
            return f"{base} [{self.code.value}]"
        return base


class StategraphError(Coded, Exception):
    """Base of stategraph's own failures; ``code`` is stable across releases."""


class GraphBuildError(StategraphError, ValueError):
    """A structural mistake in a graph, found while building or compiling it."""


class InvalidUpdateError(Exception, Coded):
    """A node or caller wrote to channels in a way the channels cannot accept."""

    __init__ = Coded.__init__
    __str__ = Coded.__str__


class GraphRecursionError(RecursionError, Coded):
    """The run reached ``recursion_limit`` supersteps without finishing."""

    __init__ = Coded.__init__
    __str__ = Coded.__str__

    code = ErrorCode.GRAPH_RECURSION_LIMIT


class EmptyInputError(Exception, Coded):
    """The run received no input and had nothing to resume."""

    __init__ = Coded.__init__
    __str__ = Coded.__str__


class EmptyChannelError(Exception, Coded):
    """A channel was read before any value was written to it."""

    __init__ = Coded.__init__
    __str__ = Coded.__str__


class CheckpointError(StategraphError):
    """Stored checkpoint data is missing, corrupt or unreadable."""


class ConcurrentRunError(CheckpointError):
    """Two runs tried to advance the same thread at once."""

    code = ErrorCode.CHECKPOINT_CONCURRENT_WRITER


class StoreError(StategraphError, ValueError):
    """The long-term store was called with invalid arguments."""


class SerializationError(StategraphError, TypeError):
    """A value could not be serialized or deserialized."""


class RuntimeContextError(StategraphError, RuntimeError):
    """A run-scoped helper was called outside of a running graph."""

    code = ErrorCode.RUN_OUTSIDE_CONTEXT


class NodeTimeoutError(StategraphError):
    """A node attempt took longer than its timeout (retried by the default policy)."""

    code = ErrorCode.RUN_TIMEOUT


class UnknownInterruptError(StategraphError, RuntimeError):
    """A resume did not match the pending interrupts (``reason``: not_pending, empty_map, ambiguous)."""

    code = ErrorCode.RUN_BAD_RESUME

    def __init__(self, message: str, *, reason: str, interrupt_ids: Any = (), pending_ids: Any = ()) -> None:
        super().__init__(message, reason=reason, interrupt_ids=list(interrupt_ids), pending_ids=list(pending_ids))


class TaskNotFound(StategraphError):
    """A task referenced by id does not exist (distributed mode)."""


class NodeError:
    """What an error handler (``add_node(..., error_handler=fn)``) is told about the failure.

    A handler receives it through a parameter ``error: NodeError``.
    """

    __slots__ = ("node", "error")

    def __init__(self, node: str, error: BaseException) -> None:
        self.node = node  # the node whose run failed (after its retries)
        self.error = error  # the exception it raised

    def __repr__(self) -> str:
        return f"NodeError(node={self.node!r}, error={self.error!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NodeError):
            return NotImplemented
        return (self.node, self.error) == (other.node, other.error)

    __hash__ = None  # type: ignore[assignment]


_INVALID_RESUME = "_stategraph_invalid_resume"


def mark_invalid_resume(error: BaseException) -> None:
    """Flag ``error`` as raised by a resume value that failed ``interrupt(response_schema=...)``."""
    setattr(error, _INVALID_RESUME, True)


def is_invalid_resume(error: BaseException) -> bool:
    """Whether ``error`` (a pydantic ``ValidationError``) came from an answer not matching the
    ``response_schema`` of the interrupt it resumed: the interrupt can then be answered again.
    ``ToolNode`` re-raises such errors instead of reporting them to the model.

        >>> is_invalid_resume(ValueError("bad argument"))
        False
    """
    return getattr(error, _INVALID_RESUME, False) is True


class GraphBubbleUp(Exception):
    """Control-flow signal that is not a failure: never retried, cached or logged as error."""


class GraphInterrupt(GraphBubbleUp):
    """The run paused; ``args[0]`` is the sequence of ``Interrupt`` values."""

    def __init__(self, interrupts: Any = ()) -> None:
        super().__init__(tuple(interrupts))

    @property
    def interrupts(self) -> tuple[Any, ...]:
        return self.args[0]


class NodeInterrupt(GraphInterrupt):
    """Deprecated: raise ``interrupt(value)`` instead."""

    def __init__(self, value: Any, id: str | None = None) -> None:
        from .types import Interrupt

        super().__init__([Interrupt(value=value) if id is None else Interrupt(value=value, id=id)])


class ParentCommand(GraphBubbleUp):
    """Carries a ``Command(graph=Command.PARENT)`` to the parent graph."""

    def __init__(self, command: Any) -> None:
        super().__init__(command)

    @property
    def command(self) -> Any:
        return self.args[0]


class GraphDrained(GraphBubbleUp):
    """The run stopped at a superstep boundary because a drain was requested."""

    def __init__(self, reason: str = "shutdown") -> None:
        super().__init__(f"Graph drained: {reason}")
        self.reason = reason


class NodeCancelledError(StategraphError):
    """A node raised ``asyncio.CancelledError`` from its own code; the run fails as for any error.

    Cancellation the engine starts (a sibling task failed, the caller cancelled the run) still
    propagates as ``CancelledError``; only a node body that raises it is reported this way.

        >>> str(NodeCancelledError("fetch"))
        "Node 'fetch' raised asyncio.CancelledError from its own code. [E211]"
    """

    code = ErrorCode.RUN_NODE_CANCELLED

    def __init__(self, node: str, message: str | None = None) -> None:
        super().__init__(message or f"Node {node!r} raised asyncio.CancelledError from its own code.", node=node)
