"""LastValue: at most one write per step; keeps its value across steps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import EmptyChannelError, ErrorCode, InvalidUpdateError
from ._single import SingleValueChannel
from .base import MISSING, BaseChannel

__all__ = ["LastValue", "LastValueAfterFinish"]


def concurrent_write_error(key: str, count: int) -> InvalidUpdateError:
    return InvalidUpdateError(
        f"At key '{key}': Can receive only one value per step. Use an Annotated key to "
        f"handle multiple values (got {count} writes in one step; give the field a reducer, "
        "e.g. Annotated[list, operator.add], or let only one node write it).",
        code=ErrorCode.INVALID_CONCURRENT_GRAPH_UPDATE,
        channel=key,
    )


class LastValue(SingleValueChannel):
    """Store the one value written in a step; the default channel of a state field.

    Two writes in the same step raise ``InvalidUpdateError``
    (``INVALID_CONCURRENT_GRAPH_UPDATE``): give the field a reducer instead.

    Examples:
        >>> from stategraph.channels import LastValue
        >>> from stategraph.errors import InvalidUpdateError
        >>> channel = LastValue(int, key="count")
        >>> channel.update([1]), channel.get()
        (True, 1)
        >>> channel.update([]), channel.get()  # no writes keep the value
        (False, 1)
        >>> try:
        ...     channel.update([2, 3])
        ... except InvalidUpdateError as e:
        ...     print(e.code.value)
        INVALID_CONCURRENT_GRAPH_UPDATE
    """

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LastValue) and type(other) is type(self)

    __hash__ = SingleValueChannel.__hash__

    def update(self, values: Sequence[Any]) -> bool:
        if not values:
            return False
        if len(values) != 1:
            raise concurrent_write_error(self.key, len(values))
        self.value = values[-1]
        return True


class LastValueAfterFinish(BaseChannel[Any, Any, Any]):
    """Stores the last value but is readable only after ``finish()`` (deferred nodes).

    The engine calls ``finish()`` when the graph would otherwise stop, and
    ``consume()`` once the reader has run, which empties it again.

    Examples:
        >>> from stategraph.channels import LastValueAfterFinish
        >>> channel = LastValueAfterFinish(str)
        >>> channel.update(["draft"]), channel.is_available()
        (True, False)
        >>> channel.finish(), channel.get()
        (True, 'draft')
        >>> channel.consume(), channel.is_available()
        (True, False)
    """

    __slots__ = ("value", "finished")

    def __init__(self, typ: Any = Any, key: str = "") -> None:
        super().__init__(typ, key)
        self.value: Any = MISSING
        self.finished = False

    @property
    def ValueType(self) -> Any:
        return self.typ

    @property
    def UpdateType(self) -> Any:
        return self.typ

    def checkpoint(self) -> Any:
        return MISSING if self.value is MISSING else (self.value, self.finished)

    def from_checkpoint(self, checkpoint: Any) -> LastValueAfterFinish:
        new = self._clone()
        if checkpoint is MISSING:
            new.value, new.finished = MISSING, False
        else:
            new.value, new.finished = checkpoint
        return new

    def update(self, values: Sequence[Any]) -> bool:
        if not values:
            return False
        self.finished = False
        self.value = values[-1]
        return True

    def consume(self) -> bool:
        if self.finished:
            self.finished = False
            self.value = MISSING
            return True
        return False

    def finish(self) -> bool:
        if not self.finished and self.value is not MISSING:
            self.finished = True
            return True
        return False

    def get(self) -> Any:
        if self.value is MISSING or not self.finished:
            raise EmptyChannelError()
        return self.value

    def is_available(self) -> bool:
        return self.value is not MISSING and self.finished
