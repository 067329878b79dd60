"""BaseChannel: the contract every channel kind implements (one file per kind beside this one).

A channel holds one state key between supersteps.  The engine calls ``update``
once per channel at the end of every step (with ``[]`` when nothing was written),
``consume`` after a subscribed task ran, and ``finish`` when the run would end.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from ..errors import EmptyChannelError

__all__ = ["BaseChannel", "MISSING", "EmptyChannelError"]

Value = TypeVar("Value")
Update = TypeVar("Update")
CheckpointT = TypeVar("CheckpointT")


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


class BaseChannel(Generic[Value, Update, CheckpointT], ABC):
    """One state key: how writes combine, what is saved, when it is readable."""

    __slots__ = ("key", "typ")

    def __init__(self, typ: Any, key: str = "") -> None:
        self.typ = typ
        self.key = key

    @property
    @abstractmethod
    def ValueType(self) -> Any:
        """The type of the stored value."""

    @property
    @abstractmethod
    def UpdateType(self) -> Any:
        """The type of one write."""

    def copy(self) -> BaseChannel[Value, Update, CheckpointT]:
        return self.from_checkpoint(self.checkpoint())

    def checkpoint(self) -> CheckpointT | Any:
        try:
            return self.get()
        except EmptyChannelError:
            return MISSING

    @abstractmethod
    def from_checkpoint(self, checkpoint: CheckpointT | Any) -> BaseChannel[Value, Update, CheckpointT]:
        """Return a new channel of the same kind restored from ``checkpoint``."""

    @abstractmethod
    def get(self) -> Value:
        """Return the value, or raise EmptyChannelError."""

    def is_available(self) -> bool:
        try:
            self.get()
            return True
        except EmptyChannelError:
            return False

    @abstractmethod
    def update(self, values: Sequence[Update]) -> bool:
        """Apply one step's writes (in deterministic order); return True if changed."""

    def consume(self) -> bool:
        return False

    def finish(self) -> bool:
        return False

    def _clone(self) -> Any:
        # Empty instance of the same kind and configuration (used by from_checkpoint).
        cls = self.__class__
        slots = _SLOTS.get(cls)
        if slots is None:
            slots = _SLOTS[cls] = tuple(
                slot for klass in cls.__mro__ for slot in getattr(klass, "__slots__", ()) if hasattr(self, slot)
            )
        new = cls.__new__(cls)
        for slot in slots:
            setattr(new, slot, getattr(self, slot))
        return new


_SLOTS: dict[type, tuple[str, ...]] = {}
