"""Structural types the serializer relies on, at LangGraph's ``checkpoint.serde.types`` path.

``ChannelProtocol`` is what a channel offers a saver (``checkpoint``/``from_checkpoint``...);
``SendProtocol`` is what a ``Send`` packet looks like.  The special write-channel names are
the same strings as in ``stategraph.constants``.

    >>> from stategraph.checkpoint.serde.types import SendProtocol
    >>> from stategraph.types import Send
    >>> isinstance(Send("node", {"x": 1}), SendProtocol)
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, Self, TypeVar, runtime_checkable

from ...constants import ERROR, INTERRUPT, RESUME, SCHEDULED, TASKS

__all__ = ["ERROR", "INTERRUPT", "RESUME", "SCHEDULED", "TASKS", "ChannelProtocol", "SendProtocol"]

Value = TypeVar("Value", covariant=True)
Update = TypeVar("Update", contravariant=True)
C = TypeVar("C")


class ChannelProtocol(Protocol[Value, Update, C]):
    """The channel methods a checkpoint saver may call (``BaseChannel`` satisfies it)."""

    @property
    def ValueType(self) -> Any:
        """The type of the value the channel holds."""
        ...

    @property
    def UpdateType(self) -> Any:
        """The type of the updates the channel accepts."""
        ...

    def checkpoint(self) -> C | None:
        """Return the channel's value in stored form."""
        ...

    def from_checkpoint(self, checkpoint: C | None) -> Self:
        """Return a channel restored from a stored value."""
        ...

    def update(self, values: Sequence[Update]) -> bool:
        """Apply one step's writes; return whether the value changed."""
        ...

    def get(self) -> Value:
        """Return the current value."""
        ...

    def consume(self) -> bool:
        """Mark the value read by a subscribed task; return whether it changed."""
        ...


@runtime_checkable
class SendProtocol(Protocol):
    """A packet for one node: its ``node`` name and ``arg`` (``stategraph.types.Send`` matches)."""

    node: str
    arg: Any

    def __hash__(self) -> int: ...

    def __eq__(self, value: object) -> bool: ...
