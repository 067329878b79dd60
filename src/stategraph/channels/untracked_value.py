"""UntrackedValue: like LastValue (optionally guarded) but never saved in checkpoints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._single import SingleValueChannel
from .base import MISSING
from .last_value import concurrent_write_error

__all__ = ["UntrackedValue"]


class UntrackedValue(SingleValueChannel):
    """Keep the last written value like ``LastValue``, but never save it in a checkpoint.

    Use it for run-local objects (a client, a cache handle) that must not be
    serialized; after a resume from a checkpoint the channel starts empty.

    Examples:
        >>> from stategraph.channels import UntrackedValue
        >>> channel = UntrackedValue(dict)
        >>> channel.update([{"client": "db"}]), channel.get()
        (True, {'client': 'db'})
        >>> channel.copy().is_available()  # nothing was checkpointed
        False
    """

    __slots__ = ("guard",)

    def __init__(self, typ: Any = Any, guard: bool = True, key: str = "") -> None:
        super().__init__(typ, key)
        self.guard = guard

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UntrackedValue) and other.guard == self.guard

    __hash__ = SingleValueChannel.__hash__

    def checkpoint(self) -> Any:
        return MISSING

    def from_checkpoint(self, checkpoint: Any) -> UntrackedValue:
        return super().from_checkpoint(MISSING)

    def update(self, values: Sequence[Any]) -> bool:
        if not values:
            return False
        if len(values) != 1 and self.guard:
            raise concurrent_write_error(self.key, len(values))
        self.value = values[-1]
        return True
