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
    """The channel methods a checkpoint saver may call (``BaseChannel`` satisfies it).

    Examples:
        Code typed against the protocol works with any channel kind:

        >>> from stategraph.channels import LastValue, Topic
        >>> from stategraph.checkpoint.base import ChannelProtocol
        >>> def round_trip(channel: ChannelProtocol):
        ...     return channel.from_checkpoint(channel.checkpoint()).get()
        >>> value, topic = LastValue(int), Topic(str)
        >>> value.update([7]), topic.update(["a", "b"])
        (True, True)
        >>> round_trip(value), round_trip(topic)
        (7, ['a', 'b'])
    """

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
    """A packet for one node: its ``node`` name and ``arg`` (``stategraph.types.Send`` matches).

    Examples:
        >>> from stategraph.checkpoint.serde.types import SendProtocol
        >>> from stategraph.types import Send
        >>> packet = Send("summarize", {"doc": "a.txt"})
        >>> isinstance(packet, SendProtocol), packet.node, packet.arg
        (True, 'summarize', {'doc': 'a.txt'})
        >>> isinstance({"node": "summarize"}, SendProtocol)
        False
    """

    node: str
    arg: Any

    def __hash__(self) -> int: ...

    def __eq__(self, value: object) -> bool: ...
