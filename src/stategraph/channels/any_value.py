"""AnyValue: keeps the last of any number of writes; a step without writes clears it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._single import SingleValueChannel
from .base import MISSING

__all__ = ["AnyValue"]


class AnyValue(SingleValueChannel):
    """Keep the last of any number of writes in a step; a step with no writes empties it.

    Unlike ``LastValue``, several writers in one step are fine (they are assumed to
    agree), so it suits values every parallel branch reports identically.

    Examples:
        >>> from stategraph.channels import AnyValue
        >>> channel = AnyValue(str)
        >>> channel.update(["ready", "ready"]), channel.get()
        (True, 'ready')
        >>> channel.update([]), channel.is_available()  # a step without writes clears it
        (True, False)
    """

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
