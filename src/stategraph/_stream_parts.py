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

    >>> payload: TaskPayload = {"id": "t1", "name": "plan", "input": {}, "triggers": ["start:plan"]}
    """

    id: str
    name: str
    input: Any
    triggers: list[str]
    metadata: NotRequired[dict[str, Any]]


class TaskResultPayload(TypedDict):
    """A task finished: ``error`` text or None, its ``interrupts`` and the writes in ``result``."""

    id: str
    name: str
    error: str | None
    interrupts: list[Any]
    result: dict[str, Any]


class CheckpointTask(TypedDict):
    """One task of a checkpoint event; ``error``/``result``/``interrupts`` appear when known."""

    id: str
    name: str
    error: NotRequired[str]
    result: NotRequired[Any]
    interrupts: NotRequired[list[Any]]
    state: StateSnapshot | dict[str, Any] | None


class CheckpointPayload(TypedDict, Generic[StateT]):
    """A checkpoint was saved: its config, metadata, state ``values``, ``next`` nodes and tasks."""

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
    """``stream_mode="values"``: the full state after a step, plus pending ``interrupts``."""

    type: Literal["values"]
    ns: tuple[str, ...]
    data: OutputT
    interrupts: tuple[Interrupt, ...]


class UpdatesStreamPart(TypedDict):
    """``stream_mode="updates"``: node name -> what that node returned this step."""

    type: Literal["updates"]
    ns: tuple[str, ...]
    data: dict[str, Any]


class MessagesStreamPart(TypedDict):
    """``stream_mode="messages"``: ``(message chunk, metadata)`` from a chat model call."""

    type: Literal["messages"]
    ns: tuple[str, ...]
    data: tuple[Any, dict[str, Any]]


class CustomStreamPart(TypedDict):
    """``stream_mode="custom"``: whatever a node passed to its stream writer."""

    type: Literal["custom"]
    ns: tuple[str, ...]
    data: Any


class CheckpointStreamPart(TypedDict, Generic[StateT]):
    """``stream_mode="checkpoints"``: a ``CheckpointPayload``."""

    type: Literal["checkpoints"]
    ns: tuple[str, ...]
    data: CheckpointPayload[StateT]


class TasksStreamPart(TypedDict):
    """``stream_mode="tasks"``: a ``TaskPayload`` (start) or ``TaskResultPayload`` (result)."""

    type: Literal["tasks"]
    ns: tuple[str, ...]
    data: TaskPayload | TaskResultPayload


class DebugStreamPart(TypedDict, Generic[StateT]):
    """``stream_mode="debug"``: a ``DebugPayload``."""

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
