"""NamedBarrierValue: available once every named source has written (join of a waiting edge)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import EmptyChannelError, InvalidUpdateError
from .base import MISSING, BaseChannel

__all__ = ["NamedBarrierValue", "NamedBarrierValueAfterFinish"]


class NamedBarrierValue(BaseChannel[None, Any, set]):
    """A barrier that becomes available once every name in ``names`` has written to it.

    This is how a node with several required predecessors (``add_edge(["a", "b"], "c")``)
    waits for all of them; ``consume()`` resets it for the next round.

    Examples:
        >>> from stategraph.channels import NamedBarrierValue
        >>> barrier = NamedBarrierValue(str, names={"a", "b"})
        >>> barrier.update(["a"]), barrier.is_available()
        (True, False)
        >>> barrier.update(["b"]), barrier.is_available()
        (True, True)
        >>> barrier.consume(), barrier.is_available()
        (True, False)
    """

    __slots__ = ("names", "seen")

    def __init__(self, typ: Any, names: set[Any], key: str = "") -> None:
        super().__init__(typ, key)
        self.names = frozenset(names)
        self.seen: set[Any] = set()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NamedBarrierValue) and other.names == self.names

    __hash__ = object.__hash__

    @property
    def ValueType(self) -> Any:
        return type(None)

    @property
    def UpdateType(self) -> Any:
        return self.typ

    def checkpoint(self) -> Any:
        return set(self.seen) if self.seen else MISSING

    def from_checkpoint(self, checkpoint: Any) -> NamedBarrierValue:
        new = self._clone()
        new.seen = set() if checkpoint is MISSING else set(checkpoint)
        return new

    def _add(self, values: Sequence[Any]) -> bool:
        changed = False
        for v in values:
            if v not in self.names:
                raise InvalidUpdateError(
                    f"At key '{self.key}': value {v!r} is not one of the barrier's sources "
                    f"{sorted(self.names)!r}.",
                    channel=self.key,
                )
            if v not in self.seen:
                self.seen.add(v)
                changed = True
        return changed

    def update(self, values: Sequence[Any]) -> bool:
        return self._add(values)

    def get(self) -> None:
        if self.seen != self.names:
            raise EmptyChannelError()
        return None

    def is_available(self) -> bool:
        return self.seen == self.names

    def consume(self) -> bool:
        if self.seen == self.names:
            self.seen = set()
            return True
        return False


class NamedBarrierValueAfterFinish(NamedBarrierValue):
    """A barrier that also waits for ``finish()`` (join into a deferred node).

    Examples:
        >>> from stategraph.channels import NamedBarrierValueAfterFinish
        >>> barrier = NamedBarrierValueAfterFinish(str, names={"a", "b"})
        >>> barrier.update(["a", "b"]), barrier.is_available()
        (True, False)
        >>> barrier.finish(), barrier.is_available()
        (True, True)
    """

    __slots__ = ("finished",)

    def __init__(self, typ: Any, names: set[Any], key: str = "") -> None:
        super().__init__(typ, names, key)
        self.finished = False

    def checkpoint(self) -> Any:
        return (set(self.seen), self.finished) if self.seen else MISSING

    def from_checkpoint(self, checkpoint: Any) -> NamedBarrierValueAfterFinish:
        new = self._clone()
        if checkpoint is MISSING:
            new.seen, new.finished = set(), False
        else:
            seen, new.finished = checkpoint
            new.seen = set(seen)
        return new

    def get(self) -> None:
        if not self.finished or self.seen != self.names:
            raise EmptyChannelError()
        return None

    def is_available(self) -> bool:
        return self.finished and self.seen == self.names

    def consume(self) -> bool:
        if self.finished and self.seen == self.names:
            self.finished = False
            self.seen = set()
            return True
        return False

    def finish(self) -> bool:
        if not self.finished and self.seen == self.names:
            self.finished = True
            return True
        return False
