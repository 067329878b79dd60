"""UntrackedValue: like LastValue (optionally guarded) but never saved in checkpoints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import EmptyChannelError
from .base import MISSING, BaseChannel
from .last_value import concurrent_write_error

__all__ = ["UntrackedValue"]


class UntrackedValue(BaseChannel[Any, Any, Any]):
    __slots__ = ("value", "guard")

    def __init__(self, typ: Any = Any, guard: bool = True, key: str = "") -> None:
        super().__init__(typ, key)
        self.guard = guard
        self.value: Any = MISSING

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UntrackedValue) and other.guard == self.guard

    __hash__ = object.__hash__

    @property
    def ValueType(self) -> Any:
        return self.typ

    @property
    def UpdateType(self) -> Any:
        return self.typ

    def checkpoint(self) -> Any:
        return MISSING

    def from_checkpoint(self, checkpoint: Any) -> UntrackedValue:
        new = self._clone()
        new.value = MISSING
        return new

    def update(self, values: Sequence[Any]) -> bool:
        if not values:
            return False
        if len(values) != 1 and self.guard:
            raise concurrent_write_error(self.key, len(values))
        self.value = values[-1]
        return True

    def get(self) -> Any:
        if self.value is MISSING:
            raise EmptyChannelError()
        return self.value

    def is_available(self) -> bool:
        return self.value is not MISSING
