"""Typed shapes of streamed chunks and debug payloads, re-exported by ``stategraph.types``.

The ``*Payload`` dicts are what ``stream_mode="tasks"``, ``"checkpoints"`` and ``"debug"``
yield; the ``*StreamPart`` dicts wrap a chunk with its ``type`` (the mode) and ``ns`` (the
subgraph namespace), the shape of LangGraph's ``version="v2"`` streaming.  They are
``TypedDict``s: plain dicts at run time, checked by type checkers.
"""

from typing import Any, Generic, Literal, NotRequired, TypeVar

from typing_extensions import TypeAliasType, TypedDict

from .types import Interrupt, StateSnapshot

__all__ = [
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
]

StateT = TypeVar("StateT")
OutputT = TypeVar("OutputT")


class TaskPayload(TypedDict):
    """A task starting: its ``id``, node ``name``, ``input`` and the channels that ``triggers`` it.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.pregel.debug import TaskPayload
        >>> class State(TypedDict):
        ...     n: int
        >>> builder = StateGraph(State).add_node("inc", lambda state: {"n": state["n"] + 1})
        >>> graph = builder.add_edge(START, "inc").compile()
        >>> start: TaskPayload = next(iter(graph.stream({"n": 1}, stream_mode="tasks")))
        >>> start
        {'id': '...', 'name': 'inc', 'input': {'n': 1}, 'triggers': ('branch:to:inc',)}
    """

    id: str
    name: str
    input: Any
    triggers: list[str]
    metadata: NotRequired[dict[str, Any]]


class TaskResultPayload(TypedDict):
    """A task finished: ``error`` text or None, its ``interrupts`` and the writes in ``result``.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.pregel.debug import TaskResultPayload
        >>> class State(TypedDict):
        ...     n: int
        >>> builder = StateGraph(State).add_node("inc", lambda state: {"n": state["n"] + 1})
        >>> graph = builder.add_edge(START, "inc").compile()
        >>> start, done = graph.stream({"n": 1}, stream_mode="tasks")
        >>> result: TaskResultPayload = done
        >>> result["name"], result["error"], result["result"], result["interrupts"]
        ('inc', None, {'n': 2}, [])
        >>> result["id"] == start["id"]  # the same task as the start payload
        True
    """

    id: str
    name: str
    error: str | None
    interrupts: list[Any]
    result: dict[str, Any]


class CheckpointTask(TypedDict):
    """One task of a checkpoint event; ``error``/``result``/``interrupts`` appear when known.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import CheckpointTask
        >>> class State(TypedDict):
        ...     n: int
        >>> builder = StateGraph(State).add_node("inc", lambda state: {"n": state["n"] + 1})
        >>> graph = builder.add_edge(START, "inc").compile(checkpointer=InMemorySaver())
        >>> config = {"configurable": {"thread_id": "1"}}
        >>> saved = list(graph.stream({"n": 1}, config, stream_mode="checkpoints"))
        >>> task: CheckpointTask = saved[1]["tasks"][0]  # the step about to run "inc"
        >>> task["name"], task["state"], sorted(task)
        ('inc', None, ['id', 'interrupts', 'name', 'state'])
    """

    id: str
    name: str
    error: NotRequired[str]
    result: NotRequired[Any]
    interrupts: NotRequired[list[Any]]
    state: StateSnapshot | dict[str, Any] | None


class CheckpointPayload(TypedDict, Generic[StateT]):
    """A checkpoint was saved: its config, metadata, state ``values``, ``next`` nodes and tasks.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.pregel.debug import CheckpointPayload
        >>> class State(TypedDict):
        ...     n: int
        >>> builder = StateGraph(State).add_node("inc", lambda state: {"n": state["n"] + 1})
        >>> graph = builder.add_edge(START, "inc").compile(checkpointer=InMemorySaver())
        >>> config = {"configurable": {"thread_id": "1"}}
        >>> for saved in graph.stream({"n": 1}, config, stream_mode="checkpoints"):
        ...     payload: CheckpointPayload = saved
        ...     print(payload["metadata"]["step"], payload["values"], payload["next"])
        -1 {} ['__start__']
        0 {'n': 1} ['inc']
        1 {'n': 2} []
        >>> payload["config"]["configurable"]["checkpoint_id"]
        '...'
    """

    config: dict[str, Any] | None
    metadata: dict[str, Any]
    values: StateT
    next: list[str]
    parent_config: dict[str, Any] | None
    tasks: list[CheckpointTask]


class _DebugCheckpoint(TypedDict, Generic[StateT]):
    step: int
    timestamp: str
    type: Literal["checkpoint"]
    payload: CheckpointPayload[StateT]


class _DebugTask(TypedDict):
    step: int
    timestamp: str
    type: Literal["task"]
    payload: TaskPayload


class _DebugTaskResult(TypedDict):
    step: int
    timestamp: str
    type: Literal["task_result"]
    payload: TaskResultPayload


DebugPayload = TypeAliasType(
    "DebugPayload", _DebugCheckpoint[StateT] | _DebugTask | _DebugTaskResult, type_params=(StateT,)
)
"""A ``stream_mode="debug"`` item: ``step``, ISO ``timestamp``, ``type`` and the ``payload``."""


class ValuesStreamPart(TypedDict, Generic[OutputT]):
    """``stream_mode="values"``: the full state after a step, plus pending ``interrupts``.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import ValuesStreamPart
        >>> class State(TypedDict):
        ...     n: int
        >>> builder = StateGraph(State).add_node("inc", lambda state: {"n": state["n"] + 1})
        >>> graph = builder.add_edge(START, "inc").compile()
        >>> part: ValuesStreamPart
        >>> for part in graph.stream({"n": 1}, stream_mode="values", version="v2"):
        ...     print(part)
        {'type': 'values', 'ns': (), 'data': {'n': 1}, 'interrupts': ()}
        {'type': 'values', 'ns': (), 'data': {'n': 2}, 'interrupts': ()}
    """

    type: Literal["values"]
    ns: tuple[str, ...]
    data: OutputT
    interrupts: tuple[Interrupt, ...]


class UpdatesStreamPart(TypedDict):
    """``stream_mode="updates"``: node name -> what that node returned this step.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import UpdatesStreamPart
        >>> class State(TypedDict):
        ...     n: int
        >>> builder = StateGraph(State).add_node("inc", lambda state: {"n": state["n"] + 1})
        >>> graph = builder.add_edge(START, "inc").compile()
        >>> parent = StateGraph(State).add_node("sub", graph).add_edge(START, "sub").compile()
        >>> part: UpdatesStreamPart
        >>> for part in parent.stream({"n": 1}, stream_mode="updates", subgraphs=True, version="v2"):
        ...     print(part)  # ns names the subgraph an update came from
        {'type': 'updates', 'ns': ('sub:...',), 'data': {'inc': {'n': 2}}}
        {'type': 'updates', 'ns': (), 'data': {'sub': {'n': 2}}}
    """

    type: Literal["updates"]
    ns: tuple[str, ...]
    data: dict[str, Any]


class MessagesStreamPart(TypedDict):
    """``stream_mode="messages"``: ``(message chunk, metadata)`` from a chat model call.

    Examples:
        >>> from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
        >>> from langchain_core.messages import AIMessage
        >>> from stategraph.graph import START, MessagesState, StateGraph
        >>> from stategraph.types import MessagesStreamPart
        >>> model = GenericFakeChatModel(messages=iter([AIMessage("hello there")]))
        >>> def chat(state: MessagesState):
        ...     return {"messages": [model.invoke(state["messages"])]}
        >>> graph = StateGraph(MessagesState).add_node(chat).add_edge(START, "chat").compile()
        >>> part: MessagesStreamPart
        >>> for part in graph.stream({"messages": [("user", "hi")]}, stream_mode="messages", version="v2"):
        ...     chunk, metadata = part["data"]
        ...     print(part["type"], repr(chunk.content), metadata["langgraph_node"])
        messages 'hello' chat
        messages ' ' chat
        messages 'there' chat
    """

    type: Literal["messages"]
    ns: tuple[str, ...]
    data: tuple[Any, dict[str, Any]]


class CustomStreamPart(TypedDict):
    """``stream_mode="custom"``: whatever a node passed to its stream writer.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.config import get_stream_writer
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import CustomStreamPart
        >>> class State(TypedDict):
        ...     n: int
        >>> def work(state: State) -> State:
        ...     write = get_stream_writer()
        ...     write({"progress": "50%"})
        ...     return {"n": state["n"] + 1}
        >>> graph = StateGraph(State).add_node(work).add_edge(START, "work").compile()
        >>> part: CustomStreamPart
        >>> for part in graph.stream({"n": 1}, stream_mode="custom", version="v2"):
        ...     print(part)
        {'type': 'custom', 'ns': (), 'data': {'progress': '50%'}}
    """

    type: Literal["custom"]
    ns: tuple[str, ...]
    data: Any


class CheckpointStreamPart(TypedDict, Generic[StateT]):
    """``stream_mode="checkpoints"``: a ``CheckpointPayload``.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import CheckpointStreamPart
        >>> class State(TypedDict):
        ...     n: int
        >>> builder = StateGraph(State).add_node("inc", lambda state: {"n": state["n"] + 1})
        >>> graph = builder.add_edge(START, "inc").compile(checkpointer=InMemorySaver())
        >>> config = {"configurable": {"thread_id": "1"}}
        >>> part: CheckpointStreamPart
        >>> for part in graph.stream({"n": 1}, config, stream_mode="checkpoints", version="v2"):
        ...     print(part["type"], part["ns"], part["data"]["values"], part["data"]["next"])
        checkpoints () {} ['__start__']
        checkpoints () {'n': 1} ['inc']
        checkpoints () {'n': 2} []
    """

    type: Literal["checkpoints"]
    ns: tuple[str, ...]
    data: CheckpointPayload[StateT]


class TasksStreamPart(TypedDict):
    """``stream_mode="tasks"``: a ``TaskPayload`` (start) or ``TaskResultPayload`` (result).

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import TasksStreamPart
        >>> class State(TypedDict):
        ...     n: int
        >>> builder = StateGraph(State).add_node("inc", lambda state: {"n": state["n"] + 1})
        >>> graph = builder.add_edge(START, "inc").compile()
        >>> part: TasksStreamPart
        >>> for part in graph.stream({"n": 1}, stream_mode="tasks", version="v2"):
        ...     task = part["data"]
        ...     print(part["type"], task["name"], task.get("input"), task.get("result"))
        tasks inc {'n': 1} None
        tasks inc None {'n': 2}
    """

    type: Literal["tasks"]
    ns: tuple[str, ...]
    data: TaskPayload | TaskResultPayload


class DebugStreamPart(TypedDict, Generic[StateT]):
    """``stream_mode="debug"``: a ``DebugPayload``.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import DebugStreamPart
        >>> class State(TypedDict):
        ...     n: int
        >>> builder = StateGraph(State).add_node("inc", lambda state: {"n": state["n"] + 1})
        >>> graph = builder.add_edge(START, "inc").compile(checkpointer=InMemorySaver())
        >>> config = {"configurable": {"thread_id": "1"}}
        >>> part: DebugStreamPart
        >>> for part in graph.stream({"n": 1}, config, stream_mode="debug", version="v2"):
        ...     event = part["data"]
        ...     print(part["type"], event["step"], event["type"], sorted(event["payload"])[:3])
        debug -1 checkpoint ['config', 'metadata', 'next']
        debug 0 checkpoint ['config', 'metadata', 'next']
        debug 1 task ['id', 'input', 'name']
        debug 1 task_result ['error', 'id', 'interrupts']
        debug 1 checkpoint ['config', 'metadata', 'next']
    """

    type: Literal["debug"]
    ns: tuple[str, ...]
    data: DebugPayload[StateT]


StreamPart = TypeAliasType(
    "StreamPart",
    ValuesStreamPart[OutputT]
    | UpdatesStreamPart
    | MessagesStreamPart
    | CustomStreamPart
    | CheckpointStreamPart[StateT]
    | TasksStreamPart
    | DebugStreamPart[StateT],
    type_params=(StateT, OutputT),
)
"""Any streamed part; tell them apart by ``part["type"]``."""
