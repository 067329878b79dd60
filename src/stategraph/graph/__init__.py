"""Building graphs: StateGraph and its compiled form, plus START/END and messages helpers."""

from typing import Any

from ..constants import END as END
from ..constants import START as START
from .state import CompiledStateGraph as CompiledStateGraph
from .state import StateGraph as StateGraph

__all__ = ["StateGraph", "CompiledStateGraph", "START", "END", "MessagesState", "add_messages", "MessageGraph"]


def __getattr__(name: str) -> Any:
    # messages pull in the message model; import them only when asked for
    if name in ("MessagesState", "add_messages", "MessageGraph"):
        from . import message

        return getattr(message, name)
    raise AttributeError(f"module 'stategraph.graph' has no attribute {name!r}")
