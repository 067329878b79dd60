"""Shared body of the channels that hold one value (LastValue, AnyValue, EphemeralValue, ...)."""

from __future__ import annotations

from typing import Any

from ..errors import EmptyChannelError
from .base import MISSING, BaseChannel


class SingleValueChannel(BaseChannel[Any, Any, Any]):
    """Holds at most one value; subclasses decide how a step's writes replace it."""

    __slots__ = ("value",)

    def __init__(self, typ: Any = Any, key: str = "") -> None:
        super().__init__(typ, key)
        self.value: Any = MISSING

    __hash__ = object.__hash__

    @property
    def ValueType(self) -> Any:
        return self.typ

    @property
    def UpdateType(self) -> Any:
        return self.typ

    def from_checkpoint(self, checkpoint: Any) -> Any:
        new = self._clone()
        new.value = checkpoint
        return new

    def get(self) -> Any:
        if self.value is MISSING:
            raise EmptyChannelError()
        return self.value

    def is_available(self) -> bool:
        return self.value is not MISSING

    def checkpoint(self) -> Any:
        return self.value
