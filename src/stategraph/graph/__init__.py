"""Building graphs: StateGraph and its compiled form, plus START/END and messages helpers."""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports
from ..constants import END as END
from ..constants import START as START
from .state import StateGraph as StateGraph

if TYPE_CHECKING:
    from .message import MessageGraph as MessageGraph
    from .message import MessagesState as MessagesState
    from .message import add_messages as add_messages
    from .state import CompiledStateGraph as CompiledStateGraph

__all__ = ["StateGraph", "CompiledStateGraph", "START", "END", "MessagesState", "add_messages", "MessageGraph"]

# why: CompiledStateGraph subclasses the engine's Pregel and messages pull in the message model;
# both load on first use, so building a graph does not pay for running one.
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "CompiledStateGraph": ".state",
        "MessagesState": ".message",
        "add_messages": ".message",
        "MessageGraph": ".message",
    },
)
