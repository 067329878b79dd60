"""Runtime: the run-scoped context handed to nodes (context, store, stream writer, previous).

``get_runtime()`` returns it from inside any node, thread or asyncio task of a run.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from .store.base import BaseStore

from ._user import BaseUser

__all__ = ["Runtime", "get_runtime", "ExecutionInfo", "ServerInfo", "RunControl", "BaseUser"]

ContextT = TypeVar("ContextT")


def _no_op(_: Any = None) -> None:
    return None


@dataclass(frozen=True, slots=True)
class ExecutionInfo:
    """Identifiers of the task attempt that is running.

    ``node_attempt`` counts from 1 and grows with each retry of the node.

    Examples:
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.runtime import ExecutionInfo, Runtime
        >>> def where(state, runtime: Runtime):
        ...     info = runtime.execution_info
        ...     return {"thread": info.thread_id, "attempt": info.node_attempt}
        >>> builder = StateGraph(dict).add_node("where", where).add_edge(START, "where")
        >>> graph = builder.compile(checkpointer=InMemorySaver())
        >>> graph.invoke({}, {"configurable": {"thread_id": "t1"}})
        {'thread': 't1', 'attempt': 1}
        >>> ExecutionInfo(thread_id="t1").node_attempt
        1
    """

    checkpoint_id: str | None = None
    checkpoint_ns: str = ""
    task_id: str | None = None
    thread_id: str | None = None
    run_id: str | None = None
    node_attempt: int = 1
    node_first_attempt_time: float | None = None


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """The assistant, graph and authenticated user a run serves, when a server runs it.

    ``Runtime.server_info`` holds it; in a run started in-process it is None.

    Examples:
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.runtime import Runtime, ServerInfo
        >>> info = ServerInfo(assistant_id="support-bot", graph_id="agent")
        >>> info.assistant_id, info.graph_id, info.user
        ('support-bot', 'agent', None)
        >>> def who(state, runtime: Runtime):
        ...     served = runtime.server_info
        ...     return {"graph": served.graph_id if served else "local"}
        >>> StateGraph(dict).add_node("who", who).add_edge(START, "who").compile().invoke({})
        {'graph': 'local'}
    """

    assistant_id: str | None = None
    graph_id: str | None = None
    user: Any = None


class RunControl:
    """Cooperative drain: ``request_drain()`` stops the run at the next superstep boundary.

    A ``Runtime`` holding a control reports the request through ``drain_requested`` and
    ``drain_reason``.

    Examples:
        >>> from stategraph.runtime import RunControl, Runtime
        >>> control = RunControl()
        >>> runtime = Runtime(control=control)
        >>> runtime.drain_requested
        False
        >>> control.request_drain("deploy")
        >>> runtime.drain_requested, runtime.drain_reason
        (True, 'deploy')
    """

    __slots__ = ("_reason",)

    def __init__(self) -> None:
        self._reason: str | None = None

    def request_drain(self, reason: str = "shutdown") -> None:
        self._reason = reason

    def step(self, name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Call ``fn(*args, **kwargs)`` once per thread and journal its result.

        Exactly-once for the *recorded result*: after an interrupt, an error or a crash, the
        node re-runs and this call returns the stored value without calling ``fn``.  ``fn``
        itself is at-least-once: a crash after ``fn`` returned but before the journal write
        committed runs it again.  Calls are matched by name and position within the node.
        """
        from .pregel._functional import journal_step

        return journal_step(name, fn, args, kwargs)

    async def astep(self, name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Async ``step``: ``fn`` may be sync or async."""
        from .pregel._functional import ajournal_step

        return await ajournal_step(name, fn, args, kwargs)

    @property
    def drain_requested(self) -> bool:
        return self._reason is not None

    @property
    def drain_reason(self) -> str | None:
        return self._reason


@dataclass(frozen=True, slots=True, kw_only=True)
class Runtime(Generic[ContextT]):
    """Run-scoped values: ``context`` (your context_schema), ``store``, ``stream_writer``, ``previous``.

    A node receives it by declaring a parameter annotated ``Runtime`` (or named ``runtime``).

    Examples:
        >>> from dataclasses import dataclass
        >>> from typing import TypedDict
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.runtime import Runtime
        >>> @dataclass
        ... class Context:
        ...     user_name: str
        >>> class State(TypedDict):
        ...     greeting: str
        >>> def greet(state: State, runtime: Runtime[Context]) -> State:
        ...     return {"greeting": f"Hello, {runtime.context.user_name}!"}
        >>> builder = StateGraph(State, context_schema=Context)
        >>> builder.add_node("greet", greet).add_edge(START, "greet").compile().invoke({"greeting": ""}, context=Context(user_name="Ada"))
        {'greeting': 'Hello, Ada!'}
    """

    context: ContextT = field(default=None)  # type: ignore[assignment]
    store: BaseStore | None = None
    stream_writer: Any = _no_op
    heartbeat: Any = _no_op
    previous: Any = None
    execution_info: ExecutionInfo | None = None
    server_info: ServerInfo | None = None
    control: RunControl | None = None

    def merge(self, other: Runtime[Any]) -> Runtime[Any]:
        """Field-wise merge; ``other`` wins where it is set."""
        return Runtime(
            context=other.context if other.context is not None else self.context,
            store=other.store or self.store,
            stream_writer=other.stream_writer
            if other.stream_writer is not _no_op
            else self.stream_writer,
            heartbeat=other.heartbeat if other.heartbeat is not _no_op else self.heartbeat,
            previous=other.previous if other.previous is not None else self.previous,
            execution_info=other.execution_info or self.execution_info,
            server_info=other.server_info or self.server_info,
            control=other.control or self.control,
        )

    def override(self, **fields: Any) -> Runtime[ContextT]:
        return dataclasses.replace(self, **fields)

    def patch_execution_info(self, **fields: Any) -> Runtime[ContextT]:
        info = self.execution_info or ExecutionInfo()
        return dataclasses.replace(self, execution_info=dataclasses.replace(info, **fields))

    def step(self, name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Call ``fn(*args, **kwargs)`` once per thread and journal its result.

        Exactly-once for the *recorded result*: after an interrupt, an error or a crash, the
        node re-runs and this call returns the stored value without calling ``fn``.  ``fn``
        itself is at-least-once: a crash after ``fn`` returned but before the journal write
        committed runs it again.  Calls are matched by name and position within the node.
        """
        from .pregel._functional import journal_step

        return journal_step(name, fn, args, kwargs)

    async def astep(self, name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Async ``step``: ``fn`` may be sync or async."""
        from .pregel._functional import ajournal_step

        return await ajournal_step(name, fn, args, kwargs)

    @property
    def drain_requested(self) -> bool:
        return bool(self.control and self.control.drain_requested)

    @property
    def drain_reason(self) -> str | None:
        return self.control.drain_reason if self.control else None


DEFAULT_RUNTIME: Runtime[Any] = Runtime()


def get_runtime(context_schema: type[ContextT] | None = None) -> Runtime[ContextT]:
    """Return the Runtime of the running node (``context_schema`` only narrows the type).

    Outside a run it raises ``RuntimeError`` (code E206).

    Examples:
        >>> from dataclasses import dataclass
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.runtime import get_runtime
        >>> @dataclass
        ... class Context:
        ...     model: str
        >>> def pick_model(state):
        ...     runtime = get_runtime(Context)
        ...     return {"model": runtime.context.model}
        >>> builder = StateGraph(dict, context_schema=Context)
        >>> builder.add_node("pick", pick_model).add_edge(START, "pick").compile().invoke({}, context=Context(model="small"))
        {'model': 'small'}
    """
    from .pregel._context import current_task

    return current_task("get_runtime").runtime
