"""EphemeralValue: a value that lives for one step."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stategraph.channels import EphemeralValue
from stategraph.channels.base import MISSING
from stategraph.errors import EmptyChannelError, InvalidUpdateError


def test_value_lives_one_step() -> None:
    ch = EphemeralValue(int)
    assert ch.update([]) is False
    assert ch.update([1]) is True
    assert ch.get() == 1
    assert ch.update([]) is True
    assert not ch.is_available()
    with pytest.raises(EmptyChannelError):
        ch.get()


def test_guard_rejects_two_values() -> None:
    ch = EphemeralValue(int, key="__start__")
    with pytest.raises(InvalidUpdateError) as info:
        ch.update([1, 2])
    assert "__start__" in str(info.value)


def test_unguarded_keeps_last() -> None:
    ch = EphemeralValue(int, guard=False)
    ch.update([1, 2, 3])
    assert ch.get() == 3


@given(st.one_of(st.integers(), st.text(), st.none()), st.booleans())
def test_checkpoint_round_trip(value: object, guard: bool) -> None:
    ch = EphemeralValue(object, guard=guard)
    ch.update([value])
    restored = ch.from_checkpoint(ch.checkpoint())
    assert restored.get() == value
    assert restored.guard is guard
    restored.update([])
    assert ch.get() == value


def test_missing_checkpoint_and_equality() -> None:
    ch = EphemeralValue(int)
    assert ch.checkpoint() is MISSING
    assert not ch.from_checkpoint(MISSING).is_available()
    assert EphemeralValue(int) == EphemeralValue(str)
    assert EphemeralValue(int) != EphemeralValue(int, guard=False)
