"""EphemeralValue: a value that lives for exactly one step (used for triggers and input)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import InvalidUpdateError
from ._single import SingleValueChannel
from .base import MISSING

__all__ = ["EphemeralValue"]


class EphemeralValue(SingleValueChannel):
    """Hold a value for one step only: the next step's update (even with no writes) clears it.

    With ``guard=True`` (the default) a step may write at most one value.

    Examples:
        >>> from stategraph.channels import EphemeralValue
        >>> from stategraph.errors import InvalidUpdateError
        >>> channel = EphemeralValue(str, key="trigger")
        >>> channel.update(["go"]), channel.get()
        (True, 'go')
        >>> channel.update([]), channel.is_available()
        (True, False)
        >>> try:
        ...     channel.update(["a", "b"])
        ... except InvalidUpdateError as e:
        ...     print(type(e).__name__, "-", e)
        InvalidUpdateError - EphemeralValue(guard=True) at key 'trigger' can receive only one value per step (got 2). Use guard=False to keep the last one.
        >>> EphemeralValue(str, guard=False).update(["a", "b"])
        True
    """

    __slots__ = ("guard",)

    def __init__(self, typ: Any = Any, guard: bool = True, key: str = "") -> None:
        super().__init__(typ, key)
        self.guard = guard

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EphemeralValue) and other.guard == self.guard

    __hash__ = SingleValueChannel.__hash__

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
