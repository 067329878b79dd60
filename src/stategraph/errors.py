"""Every exception stategraph raises, in one tree.

    Exception
    ├── InvalidUpdateError                     bad writes: concurrent LastValue, bad node return
    ├── EmptyInputError                        nothing to run: input None and nothing to resume
    ├── EmptyChannelError                      reading a channel that holds no value
    RecursionError
    └── GraphRecursionError                    a run exceeded ``recursion_limit`` supersteps
    StategraphError (Exception)                stategraph's own failures
    ├── CheckpointError                        corrupt/unknown stored data, missing checkpoints
    │   └── ConcurrentRunError                 a second writer on the same thread
    ├── StoreError (+ ValueError)              long-term store misuse
    ├── SerializationError (+ TypeError)       a value that cannot be (de)serialized
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
message and a ``code`` attribute: a graph-building mistake is a ``ValueError`` (E1xx), a helper
such as ``get_config()`` called outside a run a ``RuntimeError`` (E206).

``GraphBubbleUp`` subclasses ``Exception`` (as in LangGraph) so existing
``except Exception`` code keeps its meaning; the engine never retries or
caches it.  Messages say what happened, where, and how to fix it.
"""

# why: over 400 lines because every class here carries a runnable example in its docstring;
# the tree is one concept and the module docstring draws it whole

from __future__ import annotations

from enum import Enum
from typing import Any

__all__ = [
    "ErrorCode",
    "Coded",
    "StategraphError",
    "InvalidUpdateError",
    "GraphRecursionError",
    "EmptyInputError",
    "EmptyChannelError",
    "CheckpointError",
    "ConcurrentRunError",
    "StoreError",
    "SerializationError",
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

# The errors section of the documentation site: one page per code (docs/reference/errors/CODE.md,
# which make docs builds at reference/errors/CODE/); see create_error_message.
DOCS_URL = "https://stategraph.dev/reference/errors/"


class ErrorCode(Enum):
    """LangGraph's troubleshooting codes plus stategraph's own stable codes.

    Every coded error has a ``code`` attribute holding one of these; the codes of
    stategraph's own failures (``E1xx`` build, ``E2xx`` run, ``E3xx`` persistence, ``E4xx``
    store, ``E5xx`` server) also end its message, e.g. ``[E104]``.

    Examples:
        >>> from stategraph.errors import ErrorCode
        >>> from stategraph.graph import StateGraph
        >>> builder = StateGraph(dict).add_node("a", lambda state: state)
        >>> try:
        ...     builder.compile()  # no edge from START
        ... except ValueError as e:
        ...     print(e.code, e.code is ErrorCode("E104"))
        ErrorCode.BUILD_NO_ENTRY True
    """

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
    SERVER_BAD_CONFIG = "E502"


def coded(exc_type: type[BaseException], message: str, code: ErrorCode, **attrs: Any) -> Any:
    """A builtin exception (the type LangGraph raises) carrying our ``code`` and attributes.

    The code is appended to the message; each keyword becomes an attribute.

    Examples:
        >>> from stategraph.errors import ErrorCode, coded
        >>> message = "Port must be positive, got -1."
        >>> error = coded(ValueError, message, ErrorCode.BUILD_BAD_ARGUMENT, port=-1)
        >>> try:
        ...     raise error
        ... except ValueError as e:
        ...     print(e, e.code.value, e.port)
        Port must be positive, got -1. [E109] E109 -1
    """
    exc = exc_type(f"{message} [{code.value}]")
    exc.code = code  # type: ignore[attr-defined]
    for k, v in attrs.items():
        setattr(exc, k, v)
    return exc


def create_error_message(*, message: str, error_code: ErrorCode) -> str:
    """Append the link to ``error_code``'s troubleshooting page to ``message``.

    Examples:
        >>> from stategraph.errors import ErrorCode, create_error_message
        >>> print(create_error_message(message="Recursion limit of 25 reached.",
        ...                            error_code=ErrorCode.GRAPH_RECURSION_LIMIT))
        Recursion limit of 25 reached.
        For troubleshooting, visit: https://stategraph.dev/reference/errors/GRAPH_RECURSION_LIMIT/
    """
    return f"{message}\nFor troubleshooting, visit: {DOCS_URL}{error_code.value}/"


class Coded:
    """Mixin: a stable ``code`` plus structured attributes (node, channel, step, key...).

    Keywords given to the constructor become attributes and are kept together in ``attrs``;
    a stategraph code (``E...``) is appended to the message.

    Examples:
        >>> from stategraph.errors import Coded, ErrorCode, StoreError
        >>> error = StoreError("Bad key.", code=ErrorCode.STORE_BAD_VALUE, key="k1")
        >>> isinstance(error, Coded), str(error), error.key, error.attrs
        (True, 'Bad key. [E402]', 'k1', {'key': 'k1'})
    """

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
        code = self.code
        if code is None:
            return base
        if code.value.startswith("E"):
            return base if f"[{code.value}]" in base else f"{base} [{code.value}]"
        # a LangGraph-named code: its troubleshooting link ends the message, as in LangGraph
        return base if "For troubleshooting, visit:" in base else create_error_message(
            message=base, error_code=code
        )


class StategraphError(Coded, Exception):
    """Base of stategraph's own failures; ``code`` is stable across releases.

    Examples:
        Catch any stategraph failure and branch on its code:

        >>> from stategraph.errors import StategraphError
        >>> from stategraph.store.memory import InMemoryStore
        >>> try:
        ...     InMemoryStore().put((), "k", {"v": 1})  # a namespace needs a label
        ... except StategraphError as e:
        ...     print(e.code.value, e)
        E401 Namespace () is empty; give at least one label, e.g. ('memories',). [E401]
    """


class InvalidUpdateError(Exception, Coded):
    """A node or caller wrote to channels in a way the channels cannot accept.

    Examples:
        Two nodes of one step both write a key that keeps a single value:

        >>> from typing import TypedDict
        >>> from stategraph.errors import InvalidUpdateError
        >>> from stategraph.graph import START, StateGraph
        >>> class State(TypedDict):
        ...     answer: int
        >>> builder = (
        ...     StateGraph(State)
        ...     .add_node("a", lambda state: {"answer": 1})
        ...     .add_node("b", lambda state: {"answer": 2})
        ...     .add_edge(START, "a")
        ...     .add_edge(START, "b")
        ... )
        >>> try:
        ...     builder.compile().invoke({"answer": 0})
        ... except InvalidUpdateError as e:
        ...     print(e.code.value, e.channel, e.nodes)
        INVALID_CONCURRENT_GRAPH_UPDATE answer ['a', 'b']
    """

    __init__ = Coded.__init__
    __str__ = Coded.__str__


class GraphRecursionError(RecursionError, Coded):
    """The run reached ``recursion_limit`` supersteps without finishing.

    Examples:
        >>> from stategraph.errors import GraphRecursionError
        >>> from stategraph.graph import START, StateGraph
        >>> builder = StateGraph(dict).add_node("loop", lambda state: {})
        >>> graph = builder.add_edge(START, "loop").add_edge("loop", "loop").compile()
        >>> try:
        ...     graph.invoke({}, {"recursion_limit": 3})
        ... except GraphRecursionError as e:
        ...     print(e)
        Recursion limit of 3 reached without hitting a stop condition. You can increase the
        limit by setting the `recursion_limit` config key.
        For troubleshooting, visit: https://stategraph.dev/reference/errors/GRAPH_RECURSION_LIMIT/
    """

    __init__ = Coded.__init__
    __str__ = Coded.__str__

    code = ErrorCode.GRAPH_RECURSION_LIMIT


class EmptyInputError(Exception, Coded):
    """The run received no input and had nothing to resume.

    Examples:
        >>> from stategraph.errors import EmptyInputError
        >>> from stategraph.graph import START, StateGraph
        >>> graph = StateGraph(dict).add_node("a", lambda s: s).add_edge(START, "a").compile()
        >>> try:
        ...     graph.invoke(None)
        ... except EmptyInputError as e:
        ...     print(e)
        Received no input for __start__
    """

    __init__ = Coded.__init__
    __str__ = Coded.__str__


class EmptyChannelError(Exception, Coded):
    """A channel was read before any value was written to it.

    Examples:
        >>> from stategraph.channels import LastValue
        >>> from stategraph.checkpoint.base import EmptyChannelError
        >>> channel = LastValue(int)
        >>> try:
        ...     channel.get()
        ... except EmptyChannelError as e:
        ...     print(type(e).__name__)
        EmptyChannelError
        >>> channel.update([7]), channel.get()
        (True, 7)
    """

    __init__ = Coded.__init__
    __str__ = Coded.__str__


class CheckpointError(StategraphError):
    """Stored checkpoint data is missing, corrupt or unreadable, or a checkpoint API was misused.

    Examples:
        >>> from stategraph.checkpoint.serde.encrypted import EncryptedSerializer
        >>> from stategraph.errors import CheckpointError
        >>> try:
        ...     EncryptedSerializer.from_aes(key=b"too short")
        ... except CheckpointError as e:
        ...     print(e.code.value, e)
        E307 An AES key must be 16, 24 or 32 bytes long, got 9 bytes. Pass key=... or set
        LANGGRAPH_AES_KEY to such a key. [E307]
    """


class ConcurrentRunError(CheckpointError):
    """Two runs tried to advance the same thread at once.

    Examples:
        A node that starts a second run on its own thread:

        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.errors import ConcurrentRunError
        >>> from stategraph.graph import START, StateGraph
        >>> config = {"configurable": {"thread_id": "t1"}}
        >>> def again(state):
        ...     return graph.invoke({"n": 2}, config)
        >>> builder = StateGraph(dict).add_node("again", again).add_edge(START, "again")
        >>> graph = builder.compile(checkpointer=InMemorySaver())
        >>> try:
        ...     graph.invoke({"n": 1}, config)
        ... except ConcurrentRunError as e:
        ...     print(e.code.value, e.thread_id)
        E305 t1
    """

    code = ErrorCode.CHECKPOINT_CONCURRENT_WRITER


class StoreError(StategraphError, ValueError):
    """The long-term store was called with invalid arguments.

    Examples:
        >>> from stategraph.errors import StoreError
        >>> from stategraph.store.memory import InMemoryStore
        >>> try:
        ...     InMemoryStore().put((), "prefs", {"theme": "dark"})
        ... except StoreError as e:
        ...     print(e.code.name, isinstance(e, ValueError))
        STORE_BAD_NAMESPACE True
    """


class SerializationError(StategraphError, TypeError):
    """A value could not be serialized or deserialized.

    Examples:
        >>> from stategraph.checkpoint.serde.jsonplus import JsonPlusSerializer
        >>> from stategraph.errors import SerializationError
        >>> try:
        ...     JsonPlusSerializer().loads_typed(("msgpack", b"\\xc1"))
        ... except SerializationError as e:
        ...     print(e.code.name)
        CHECKPOINT_CORRUPT
    """


class NodeTimeoutError(StategraphError):
    """A node attempt took longer than its timeout (retried by the default policy).

    Examples:
        >>> import asyncio
        >>> from stategraph.errors import NodeTimeoutError
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import RetryPolicy
        >>> async def slow(state):
        ...     await asyncio.sleep(10)
        >>> once = RetryPolicy(max_attempts=1)
        >>> builder = StateGraph(dict).add_node("slow", slow, timeout=0.05, retry_policy=once)
        >>> graph = builder.add_edge(START, "slow").compile()
        >>> try:
        ...     asyncio.run(graph.ainvoke({}))
        ... except NodeTimeoutError as e:
        ...     print(e.code.value, e.node, e.run_timeout)
        E207 slow 0.05
    """

    code = ErrorCode.RUN_TIMEOUT


class UnknownInterruptError(StategraphError, RuntimeError):
    """A resume did not match the pending interrupts (``reason``: not_pending, empty_map, ambiguous).

    Examples:
        Resuming a thread that never paused:

        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.errors import UnknownInterruptError
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import Command
        >>> builder = StateGraph(dict).add_node("a", lambda s: s).add_edge(START, "a")
        >>> graph = builder.compile(checkpointer=InMemorySaver())
        >>> try:
        ...     graph.invoke(Command(resume="yes"), {"configurable": {"thread_id": "new"}})
        ... except UnknownInterruptError as e:
        ...     print(e.code.value, e.reason)
        E208 not_pending
    """

    code = ErrorCode.RUN_BAD_RESUME

    def __init__(
        self, message: str, *, reason: str, interrupt_ids: Any = (), pending_ids: Any = ()
    ) -> None:
        super().__init__(
            message, reason=reason, interrupt_ids=list(interrupt_ids), pending_ids=list(pending_ids)
        )


class TaskNotFound(StategraphError):
    """A task referenced by id does not exist (distributed mode).

    Examples:
        >>> from stategraph.errors import StategraphError, TaskNotFound
        >>> error = TaskNotFound("No task 'fetch' in step 3.", task_name="fetch", step=3)
        >>> isinstance(error, StategraphError), str(error), error.step
        (True, "No task 'fetch' in step 3.", 3)
    """


class NodeError:
    """What an error handler (``add_node(..., error_handler=fn)``) is told about the failure.

    A handler receives it through a parameter ``error: NodeError``.

    Examples:
        >>> from stategraph.errors import NodeError
        >>> from stategraph.graph import START, StateGraph
        >>> def fetch(state):
        ...     raise ConnectionError("host down")
        >>> def fallback(state, error: NodeError):
        ...     return {"status": f"{error.node} failed: {error.error}"}
        >>> builder = StateGraph(dict).add_node("fetch", fetch, error_handler=fallback)
        >>> builder.add_edge(START, "fetch").compile().invoke({"status": "new"})
        {'status': 'fetch failed: host down'}
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

    Examples:
        >>> from pydantic import BaseModel
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.errors import is_invalid_resume
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import Command, interrupt
        >>> class Age(BaseModel):
        ...     years: int
        >>> def ask(state):
        ...     return {"age": interrupt("How old are you?", response_schema=Age).years}
        >>> builder = StateGraph(dict).add_node("ask", ask).add_edge(START, "ask")
        >>> graph = builder.compile(checkpointer=InMemorySaver())
        >>> config = {"configurable": {"thread_id": "t1"}}
        >>> _ = graph.invoke({}, config)
        >>> try:
        ...     graph.invoke(Command(resume={"years": "many"}), config)
        ... except Exception as e:
        ...     print(type(e).__name__, is_invalid_resume(e), is_invalid_resume(ValueError("x")))
        ValidationError True False
        >>> graph.invoke(Command(resume={"years": 42}), config)  # the interrupt can be answered again
        {'age': 42}
    """
    return getattr(error, _INVALID_RESUME, False) is True


class GraphBubbleUp(Exception):
    """Control-flow signal that is not a failure: never retried, cached or logged as error.

    A node that catches broad exceptions should let these through.

    Examples:
        >>> from stategraph.errors import GraphBubbleUp
        >>> sorted(cls.__name__ for cls in GraphBubbleUp.__subclasses__())
        ['GraphDrained', 'GraphInterrupt', 'ParentCommand']
        >>> def careful(call):
        ...     try:
        ...         return call()
        ...     except GraphBubbleUp:
        ...         raise  # an interrupt or a routing command: not an error to handle
        ...     except Exception as e:
        ...         return f"failed: {e}"
        >>> careful(lambda: 1 / 0)
        'failed: division by zero'
    """


class GraphInterrupt(GraphBubbleUp):
    """The run paused; ``args[0]`` is the sequence of ``Interrupt`` values.

    ``interrupt()`` raises it inside the node; the graph catches it, saves the pause and
    returns the interrupts under ``"__interrupt__"``.

    Examples:
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.errors import GraphInterrupt
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import interrupt
        >>> def ask(state):
        ...     try:
        ...         return {"ok": interrupt("Proceed?")}
        ...     except GraphInterrupt as e:
        ...         print("paused on", e.interrupts[0].value)
        ...         raise  # let the graph handle the pause
        >>> builder = StateGraph(dict).add_node("ask", ask).add_edge(START, "ask")
        >>> graph = builder.compile(checkpointer=InMemorySaver())
        >>> graph.invoke({"ok": None}, {"configurable": {"thread_id": "t1"}})
        paused on Proceed?
        {'ok': None, '__interrupt__': [Interrupt(value='Proceed?', id='...', response_schema=None)]}
    """

    def __init__(self, interrupts: Any = ()) -> None:
        super().__init__(tuple(interrupts))

    @property
    def interrupts(self) -> tuple[Any, ...]:
        return self.args[0]


class NodeInterrupt(GraphInterrupt):
    """Deprecated: raise ``interrupt(value)`` instead (warns ``LangGraphDeprecatedSinceV10``).

    Examples:
        >>> import warnings
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.errors import NodeInterrupt
        >>> from stategraph.graph import START, StateGraph
        >>> def check(state):
        ...     if state["n"] < 0:
        ...         raise NodeInterrupt("n is negative")
        ...     return state
        >>> builder = StateGraph(dict).add_node("check", check).add_edge(START, "check")
        >>> graph = builder.compile(checkpointer=InMemorySaver())
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", DeprecationWarning)
        ...     graph.invoke({"n": -1}, {"configurable": {"thread_id": "t1"}})
        {'n': -1, '__interrupt__': [Interrupt(value='n is negative', id='...', response_schema=None)]}
    """

    def __init__(self, value: Any, id: str | None = None) -> None:
        import warnings

        from .types import Interrupt
        from .warnings import LangGraphDeprecatedSinceV10

        warnings.warn(
            "NodeInterrupt is deprecated. Please use `interrupt` from the types module instead.",
            LangGraphDeprecatedSinceV10,
            stacklevel=2,
        )

        super().__init__([Interrupt(value=value) if id is None else Interrupt(value=value, id=id)])


class ParentCommand(GraphBubbleUp):
    """Carries a ``Command(graph=Command.PARENT)`` to the parent graph.

    The engine raises it when a subgraph node returns such a command; the parent graph
    catches it and applies the command.

    Examples:
        >>> from stategraph.errors import GraphBubbleUp, ParentCommand
        >>> from stategraph.types import Command
        >>> signal = ParentCommand(Command(graph=Command.PARENT, goto="review"))
        >>> signal.command
        Command(graph='__parent__', goto='review')
        >>> isinstance(signal, GraphBubbleUp)
        True
    """

    def __init__(self, command: Any) -> None:
        super().__init__(command)

    @property
    def command(self) -> Any:
        return self.args[0]


class GraphDrained(GraphBubbleUp):
    """The run stopped at a superstep boundary because a drain was requested.

    Examples:
        >>> from stategraph.errors import GraphBubbleUp, GraphDrained
        >>> stop = GraphDrained("deploy")
        >>> stop.reason, isinstance(stop, GraphBubbleUp)
        ('deploy', True)
        >>> GraphDrained().reason
        'shutdown'
    """

    def __init__(self, reason: str = "shutdown") -> None:
        super().__init__(f"Graph drained: {reason}")
        self.reason = reason


class NodeCancelledError(StategraphError):
    """A node raised ``asyncio.CancelledError`` from its own code; the run fails as for any error.

    Cancellation the engine starts (a sibling task failed, the caller cancelled the run) still
    propagates as ``CancelledError``; only a node body that raises it is reported this way.

    Examples:
        >>> import asyncio
        >>> from stategraph.errors import NodeCancelledError
        >>> from stategraph.graph import START, StateGraph
        >>> async def fetch(state):
        ...     raise asyncio.CancelledError()
        >>> graph = StateGraph(dict).add_node("fetch", fetch).add_edge(START, "fetch").compile()
        >>> try:
        ...     asyncio.run(graph.ainvoke({}))
        ... except NodeCancelledError as e:
        ...     print(e.node, "|", e)
        fetch | Node 'fetch' raised asyncio.CancelledError from its own code. [E211]
    """

    code = ErrorCode.RUN_NODE_CANCELLED

    def __init__(self, node: str, message: str | None = None) -> None:
        super().__init__(
            message or f"Node {node!r} raised asyncio.CancelledError from its own code.", node=node
        )
