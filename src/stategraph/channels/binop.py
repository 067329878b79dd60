"""BinaryOperatorAggregate: folds every write into the value with a reducer ``op(acc, write)``."""

from __future__ import annotations

import collections.abc
from collections.abc import Callable, Sequence
from typing import Any, get_origin

from ..errors import EmptyChannelError, ErrorCode, InvalidUpdateError
from ..types import Overwrite
from .base import MISSING, BaseChannel

__all__ = ["BinaryOperatorAggregate"]

_ABSTRACT_TO_CONCRETE = {
    collections.abc.Sequence: list,
    collections.abc.MutableSequence: list,
    collections.abc.Set: set,
    collections.abc.MutableSet: set,
    collections.abc.Mapping: dict,
    collections.abc.MutableMapping: dict,
}


def _initial_value(typ: Any) -> Any:
    base = get_origin(typ) or typ
    base = _ABSTRACT_TO_CONCRETE.get(base, base)
    try:
        return base()
    except Exception:
        return MISSING


def overwrite_value(value: Any) -> tuple[bool, Any]:
    """Recognise Overwrite(v) and its dict forms; return (is_overwrite, value)."""
    if isinstance(value, Overwrite):
        return True, value.value
    if isinstance(value, dict) and len(value) in (1, 2):
        if len(value) == 1 and "__overwrite__" in value:
            return True, value["__overwrite__"]
        if value.get("type") == "__overwrite__" and "value" in value and len(value) == 2:
            return True, value["value"]
    return False, None


class BinaryOperatorAggregate(BaseChannel[Any, Any, Any]):
    """Fold every write into the value with ``operator(current, write)`` (a reducer).

    A state field annotated ``Annotated[T, reducer]`` gets this channel; it starts
    from ``typ()`` when that works (``0`` for int, ``[]`` for list).

    Examples:
        >>> import operator
        >>> from stategraph.channels import BinaryOperatorAggregate
        >>> total = BinaryOperatorAggregate(int, operator.add)
        >>> total.update([2, 3]), total.get()
        (True, 5)

        The usual way in, through a state schema:

        >>> from typing import Annotated
        >>> from typing_extensions import TypedDict
        >>> from stategraph.graph import START, StateGraph
        >>> class State(TypedDict):
        ...     items: Annotated[list, operator.add]
        >>> graph = (
        ...     StateGraph(State)
        ...     .add_node("a", lambda state: {"items": ["a"]})
        ...     .add_node("b", lambda state: {"items": ["b"]})
        ...     .add_edge(START, "a")
        ...     .add_edge(START, "b")
        ...     .compile()
        ... )
        >>> graph.invoke({"items": ["start"]})
        {'items': ['start', 'a', 'b']}
    """

    __slots__ = ("value", "operator")

    def __init__(self, typ: Any, operator: Callable[[Any, Any], Any], key: str = "") -> None:
        super().__init__(typ, key)
        self.operator = operator
        self.value: Any = _initial_value(typ)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BinaryOperatorAggregate):
            return False
        if self.operator is other.operator:
            return True
        names = (getattr(self.operator, "__name__", ""), getattr(other.operator, "__name__", ""))
        return "<lambda>" in names

    __hash__ = object.__hash__

    @property
    def ValueType(self) -> Any:
        return self.typ

    @property
    def UpdateType(self) -> Any:
        return self.typ

    def from_checkpoint(self, checkpoint: Any) -> BinaryOperatorAggregate:
        new = self._clone()
        new.value = _initial_value(self.typ) if checkpoint is MISSING else checkpoint
        return new

    def copy(self) -> BinaryOperatorAggregate:
        new = self._clone()
        new.value = self.value
        return new

    def update(self, values: Sequence[Any]) -> bool:
        if not values:
            return False
        seen_overwrite = False
        start = 0
        if self.value is MISSING:
            is_ow, v = overwrite_value(values[0])
            self.value = v if is_ow else values[0]
            seen_overwrite = is_ow
            start = 1
        for v in values[start:]:
            is_ow, ow = overwrite_value(v)
            if is_ow:
                if seen_overwrite:
                    raise InvalidUpdateError(
                        f"At key '{self.key}': Can receive only one Overwrite value per step.",
                        code=ErrorCode.INVALID_CONCURRENT_GRAPH_UPDATE,
                        channel=self.key,
                    )
                self.value = ow
                seen_overwrite = True
            elif not seen_overwrite:
                self.value = self._reduce(self.value, v)
        return True

    def _reduce(self, acc: Any, value: Any) -> Any:
        try:
            return self.operator(acc, value)
        except Exception as exc:
            # why: LangGraph lets the reducer's own exception through and programs catch it by
            # that type; we keep the type and add where it happened and the code as a note
            name = getattr(self.operator, "__name__", repr(self.operator))
            exc.add_note(
                f"Reducer {name!r} for key '{self.key}' raised {type(exc).__name__}. Check that every "
                f"node writes a value the reducer accepts. [{ErrorCode.RUN_REDUCER_FAILED.value}]"
            )
            raise

    def get(self) -> Any:
        if self.value is MISSING:
            raise EmptyChannelError()
        return self.value

    def is_available(self) -> bool:
        return self.value is not MISSING

    def checkpoint(self) -> Any:
        return self.value
