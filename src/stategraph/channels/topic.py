"""Topic: a pub/sub list; values (or lists of values) are appended, cleared each step unless accumulating."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import EmptyChannelError
from .base import MISSING, BaseChannel

__all__ = ["Topic"]


class Topic(BaseChannel[Any, Any, Any]):
    """Collect every write of a step into a list (a write that is a list adds its items).

    With ``accumulate=False`` (the default) each step starts a new list; with
    ``accumulate=True`` values pile up across steps.

    Examples:
        >>> from stategraph.channels import Topic
        >>> topic = Topic(str)
        >>> topic.update(["a", ["b", "c"]]), topic.get()
        (True, ['a', 'b', 'c'])
        >>> topic.update(["d"]), topic.get()  # a new step replaces the list
        (True, ['d'])

        As a state field, parallel nodes can all append:

        >>> from typing import Annotated
        >>> from typing_extensions import TypedDict
        >>> from stategraph.graph import START, StateGraph
        >>> class State(TypedDict):
        ...     log: Annotated[list, Topic(str, accumulate=True)]
        >>> graph = (
        ...     StateGraph(State)
        ...     .add_node("a", lambda state: {"log": "from a"})
        ...     .add_node("b", lambda state: {"log": "from b"})
        ...     .add_edge(START, "a")
        ...     .add_edge(START, "b")
        ...     .compile()
        ... )
        >>> graph.invoke({"log": "start"})
        {'log': ['start', 'from a', 'from b']}
    """

    __slots__ = ("values", "accumulate")

    def __init__(self, typ: Any = Any, accumulate: bool = False, key: str = "") -> None:
        super().__init__(typ, key)
        self.accumulate = accumulate
        self.values: list[Any] = []

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Topic) and other.accumulate == self.accumulate

    __hash__ = object.__hash__

    @property
    def ValueType(self) -> Any:
        return list[self.typ]  # type: ignore[name-defined]

    @property
    def UpdateType(self) -> Any:
        return self.typ | list[self.typ]  # type: ignore[name-defined]

    def checkpoint(self) -> Any:
        return list(self.values) if self.values else MISSING

    def from_checkpoint(self, checkpoint: Any) -> Topic:
        new = self._clone()
        new.values = [] if checkpoint is MISSING or checkpoint is None else list(checkpoint)
        return new

    def update(self, values: Sequence[Any]) -> bool:
        changed = False
        if not self.accumulate and self.values:
            self.values = []
            changed = True
        for v in values:
            if isinstance(v, list):
                self.values.extend(v)
            else:
                self.values.append(v)
            changed = True
        return changed

    def get(self) -> list[Any]:
        if not self.values:
            raise EmptyChannelError()
        return list(self.values)

    def is_available(self) -> bool:
        return bool(self.values)
