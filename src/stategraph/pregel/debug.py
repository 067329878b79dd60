"""Payload types of the ``tasks``/``checkpoints``/``debug`` stream modes, at ``langgraph.pregel.debug``.

Older LangGraph programs import the payload TypedDicts from here; they are the same objects
as in ``stategraph.types``.  LangGraph's private event builders (``map_debug_*``) are not
provided: the engine emits these payloads itself.

    >>> from stategraph.pregel.debug import TaskPayload
    >>> import stategraph.types
    >>> TaskPayload is stategraph.types.TaskPayload
    True
"""

from .._stream_parts import CheckpointPayload, TaskPayload, TaskResultPayload
from ..channels.base import BaseChannel
from ..checkpoint.base import CheckpointMetadata
from ..types import PregelExecutableTask, PregelTask, StateSnapshot

__all__ = [
    "BaseChannel",
    "CheckpointMetadata",
    "CheckpointPayload",
    "PregelExecutableTask",
    "PregelTask",
    "StateSnapshot",
    "TaskPayload",
    "TaskResultPayload",
]
