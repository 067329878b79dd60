"""EphemeralValue: a value that lives for exactly one step (used for triggers and input)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import EmptyChannelError, InvalidUpdateError
from .base import MISSING, BaseChannel

__all__ = ["EphemeralValue"]


class EphemeralValue(BaseChannel[Any, Any, Any]):
    __slots__ = ("value", "guard")

    def __init__(self, typ: Any = Any, guard: bool = True, key: str = "") -> None:
        super().__init__(typ, key)
        self.guard = guard
        self.value: Any = MISSING

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EphemeralValue) and other.guard == self.guard

    __hash__ = object.__hash__

    @property
    def ValueType(self) -> Any:
        return self.typ

    @property
    def UpdateType(self) -> Any:
        return self.typ

    def from_checkpoint(self, checkpoint: Any) -> EphemeralValue:
        new = self._clone()
        new.value = checkpoint
        return new

    def update(self, values: Sequence[Any]) -> bool:
        if not values:
            if self.value is MISSING:
                return False
            self.value = MISSING
            return True
        if len(values) != 1 and self.guard:
            raise InvalidUpdateError(
                f"EphemeralValue(guard=True) at key '{self.key}' can receive only one value "
                f"per step (got {len(values)}). Use guard=False to keep the last one.",
                channel=self.key,
            )
        self.value = values[-1]
        return True

    def get(self) -> Any:
        if self.value is MISSING:
            raise EmptyChannelError()
        return self.value

    def is_available(self) -> bool:
        return self.value is not MISSING

    def checkpoint(self) -> Any:
        return self.value
