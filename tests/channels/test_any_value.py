"""AnyValue: last of any number of writes; an empty step clears it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stategraph.channels import AnyValue
from stategraph.channels.base import MISSING
from stategraph.errors import EmptyChannelError


@given(st.lists(st.integers(), min_size=1, max_size=8))
def test_keeps_last_of_many(writes: list[int]) -> None:
    ch = AnyValue(int)
    assert ch.update(writes) is True
    assert ch.get() == writes[-1]


def test_empty_step_clears() -> None:
    ch = AnyValue(int)
    assert ch.update([]) is False
    ch.update([1])
    assert ch.update([]) is True
    assert not ch.is_available()
    with pytest.raises(EmptyChannelError):
        ch.get()


@given(st.one_of(st.integers(), st.text()))
def test_checkpoint_round_trip(value: object) -> None:
    ch = AnyValue(object)
    ch.update([value])
    restored = ch.from_checkpoint(ch.checkpoint())
    assert restored.get() == value
    assert AnyValue(int).checkpoint() is MISSING
    assert not ch.from_checkpoint(MISSING).is_available()
