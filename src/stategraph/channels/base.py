"""BaseChannel: the contract every channel kind implements (one file per kind beside this one).

A channel holds one state key between supersteps.  The engine calls ``update``
once per channel at the end of every step (with ``[]`` when nothing was written),
``consume`` after a subscribed task ran, and ``finish`` when the run would end.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from ..errors import EmptyChannelError

__all__ = ["BaseChannel", "MISSING", "EmptyChannelError"]

Value = TypeVar("Value")
Update = TypeVar("Update")
CheckpointT = TypeVar("CheckpointT")


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


class BaseChannel(Generic[Value, Update, CheckpointT], ABC):
    """One state key: how writes combine, what is saved, when it is readable.

    A kind implements ``update`` (apply one step's writes), ``get`` (raise
    ``EmptyChannelError`` while empty), ``checkpoint``/``from_checkpoint`` (what is
    saved and how it comes back) and the ``ValueType``/``UpdateType`` properties.

    Examples:
        A channel that counts the writes it received:

        >>> from stategraph.channels import BaseChannel
        >>> from stategraph.errors import EmptyChannelError
        >>> class Counter(BaseChannel):
        ...     __slots__ = ("count",)
        ...     def __init__(self, typ=int, key=""):
        ...         super().__init__(typ, key)
        ...         self.count = 0
        ...     ValueType = property(lambda self: int)
        ...     UpdateType = property(lambda self: object)
        ...     def from_checkpoint(self, checkpoint):
        ...         new = Counter(self.typ, self.key)
        ...         new.count = checkpoint if isinstance(checkpoint, int) else 0
        ...         return new
        ...     def get(self):
        ...         if not self.count:
        ...             raise EmptyChannelError()
        ...         return self.count
        ...     def update(self, values):
        ...         self.count += len(values)
        ...         return bool(values)
        >>> channel = Counter()
        >>> channel.is_available()
        False
        >>> channel.update(["a", "b"]), channel.get()
        (True, 2)
        >>> channel.copy().get()  # copy() goes through checkpoint()/from_checkpoint()
        2
    """

    __slots__ = ("key", "typ")

    def __init__(self, typ: Any, key: str = "") -> None:
        self.typ = typ
        self.key = key

    @property
    @abstractmethod
    def ValueType(self) -> Any:
        """The type of the stored value."""

    @property
    @abstractmethod
    def UpdateType(self) -> Any:
        """The type of one write."""

    def copy(self) -> BaseChannel[Value, Update, CheckpointT]:
        return self.from_checkpoint(self.checkpoint())

    def checkpoint(self) -> CheckpointT | Any:
        try:
            return self.get()
        except EmptyChannelError:
            return MISSING

    @abstractmethod
    def from_checkpoint(
        self, checkpoint: CheckpointT | Any
    ) -> BaseChannel[Value, Update, CheckpointT]:
        """Return a new channel of the same kind restored from ``checkpoint``."""

    @abstractmethod
    def get(self) -> Value:
        """Return the value, or raise EmptyChannelError."""

    def is_available(self) -> bool:
        try:
            self.get()
            return True
        except EmptyChannelError:
            return False

    @abstractmethod
    def update(self, values: Sequence[Update]) -> bool:
        """Apply one step's writes (in deterministic order); return True if changed."""

    def consume(self) -> bool:
        return False

    def finish(self) -> bool:
        return False

    def _clone(self) -> Any:
        # Empty instance of the same kind and configuration (used by from_checkpoint).
        cloner = _CLONERS.get(self.__class__)
        if cloner is None:
            cloner = _CLONERS[self.__class__] = _make_cloner(self)
        return cloner(self)


_CLONERS: dict[type, Any] = {}


def _make_cloner(template: BaseChannel[Any, Any, Any]) -> Any:
    """A function copying ``template``'s slots into a new instance of its class."""
    cls = template.__class__
    slots = dict.fromkeys(
        slot
        for klass in cls.__mro__
        for slot in getattr(klass, "__slots__", ())
        if hasattr(template, slot)
    )
    # why: generated (as dataclasses does) because every run clones every channel of its graph:
    # plain attribute stores are ~4x faster than a getattr/setattr loop over the slot names
    body = "".join(f"    new.{slot} = self.{slot}\n" for slot in slots)
    source = f"def clone(self):\n    new = new_instance(cls)\n{body}    return new\n"
    namespace: dict[str, Any] = {"new_instance": cls.__new__, "cls": cls}
    exec(source, namespace)  # the source is built from slot names only
    return namespace["clone"]
