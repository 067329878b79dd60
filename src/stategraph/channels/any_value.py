"""AnyValue: keeps the last of any number of writes; a step without writes clears it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._single import SingleValueChannel
from .base import MISSING

__all__ = ["AnyValue"]


class AnyValue(SingleValueChannel):
    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AnyValue)

    __hash__ = SingleValueChannel.__hash__

    def update(self, values: Sequence[Any]) -> bool:
        if not values:
            if self.value is MISSING:
                return False
            self.value = MISSING
            return True
        self.value = values[-1]
        return True
