"""make_restorer: all channels of a graph built in one call, equal to from_checkpoint per channel."""

from __future__ import annotations

import operator
from typing import Any

import pytest

from stategraph.channels import (
    AnyValue,
    BinaryOperatorAggregate,
    EphemeralValue,
    LastValue,
    LastValueAfterFinish,
    NamedBarrierValue,
    Topic,
    UntrackedValue,
)
from stategraph.channels._restore import make_restorer
from stategraph.channels.base import MISSING


class TaggedValue(LastValue):
    """A subclass with a slot of its own: the restorer must copy it too."""

    __slots__ = ("tag",)

    def __init__(self, tag: str) -> None:
        super().__init__(int)
        self.tag = tag


def specs() -> dict[str, Any]:
    out = {
        "last": LastValue(int),
        "eph": EphemeralValue(int, guard=False),
        "any": AnyValue(int),
        "untracked": UntrackedValue(int),
        "after": LastValueAfterFinish(int),
        "sum": BinaryOperatorAggregate(list, operator.add),
        "topic": Topic(int, accumulate=True),
        "barrier": NamedBarrierValue(str, {"a", "b"}),
        "tagged": TaggedValue("t1"),
    }
    for k, c in out.items():
        c.key = k
    return out


def state(c: Any) -> tuple[Any, ...]:
    slots = {s for k in type(c).__mro__ for s in getattr(k, "__slots__", ()) if hasattr(c, s)}
    return (type(c), tuple(sorted((s, repr(getattr(c, s))) for s in slots)))


SAVED = {"last": 1, "eph": 2, "any": 3, "untracked": 4, "after": (5, True), "sum": [6],
         "topic": [7, 8], "barrier": ["a"], "tagged": 9}


@pytest.mark.parametrize("values", [{}, SAVED], ids=["blank", "saved"])
def test_same_channels_as_from_checkpoint(values: dict[str, Any]) -> None:
    chans = specs()
    restored = make_restorer(chans)(values)
    assert list(restored) == list(chans)
    for k, spec in chans.items():
        assert state(restored[k]) == state(spec.from_checkpoint(values.get(k, MISSING))), k
    assert restored["tagged"].tag == "t1"


def test_every_call_makes_new_channels() -> None:
    chans = specs()
    restore = make_restorer(chans)
    first, second = restore({}), restore({})
    for k, spec in chans.items():
        assert first[k] is not second[k] and first[k] is not spec
    first["last"].update([1])
    first["sum"].update([[1]])
    first["topic"].update([1])
    first["barrier"].update(["a"])
    assert not second["last"].is_available() and not chans["last"].is_available()
    assert second["sum"].get() == [] and chans["sum"].get() == []
    assert not second["topic"].is_available() and not chans["topic"].is_available()
    assert second["barrier"].seen == set() and chans["barrier"].seen == set()


def test_spec_attributes_are_read_when_called() -> None:
    chans = {"k": EphemeralValue(int)}
    restore = make_restorer(chans)
    chans["k"].key = "renamed"
    assert restore({})["k"].key == "renamed"
