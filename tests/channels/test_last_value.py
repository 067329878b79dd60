"""LastValue / LastValueAfterFinish: one write per step, value kept across steps."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stategraph.channels import LastValue, LastValueAfterFinish
from stategraph.channels.base import MISSING
from stategraph.errors import EmptyChannelError, ErrorCode, InvalidUpdateError

values = st.one_of(st.integers(), st.text(), st.lists(st.integers()), st.none())


def test_empty_channel_raises_and_is_not_available() -> None:
    ch = LastValue(int, key="x")
    assert not ch.is_available()
    assert ch.checkpoint() is MISSING
    with pytest.raises(EmptyChannelError):
        ch.get()


def test_update_keeps_value_across_empty_steps() -> None:
    ch = LastValue(int, key="x")
    assert ch.update([1]) is True
    assert ch.get() == 1
    assert ch.update([]) is False
    assert ch.get() == 1
    assert ch.update([2]) is True
    assert ch.get() == 2


def test_two_writes_in_one_step_raise_with_key_and_code() -> None:
    ch = LastValue(int, key="total")
    with pytest.raises(InvalidUpdateError) as info:
        ch.update([1, 2])
    assert info.value.code is ErrorCode.INVALID_CONCURRENT_GRAPH_UPDATE
    assert "At key 'total'" in str(info.value)
    assert "Can receive only one value per step" in str(info.value)


def test_value_and_update_types_are_the_declared_type() -> None:
    ch = LastValue(str)
    assert ch.ValueType is str
    assert ch.UpdateType is str


def test_equality_is_by_kind() -> None:
    assert LastValue(int) == LastValue(str)
    assert LastValue(int) != LastValueAfterFinish(int)


@given(values)
def test_checkpoint_round_trip(value: object) -> None:
    ch = LastValue(object, key="x")
    ch.update([value])
    restored = ch.from_checkpoint(ch.checkpoint())
    assert restored is not ch
    assert restored.get() == value
    assert restored.key == "x"


def test_from_checkpoint_missing_is_empty_and_copy_is_independent() -> None:
    ch = LastValue(int)
    assert not ch.from_checkpoint(MISSING).is_available()
    ch.update([1])
    clone = ch.copy()
    ch.update([2])
    assert clone.get() == 1
    assert ch.get() == 2


@given(st.lists(values, min_size=1, max_size=10))
def test_sequence_of_single_writes_keeps_the_last(writes: list[object]) -> None:
    ch = LastValue(object)
    for w in writes:
        ch.update([w])
    assert ch.get() == writes[-1]


# -- LastValueAfterFinish ------------------------------------------------------------------


def test_after_finish_is_hidden_until_finish() -> None:
    ch = LastValueAfterFinish(int, key="d")
    assert ch.finish() is False  # nothing to release
    assert ch.update([5]) is True
    assert not ch.is_available()
    with pytest.raises(EmptyChannelError):
        ch.get()
    assert ch.finish() is True
    assert ch.get() == 5
    assert ch.finish() is False  # already finished


def test_after_finish_consume_clears_only_when_finished() -> None:
    ch = LastValueAfterFinish(int)
    ch.update([1])
    assert ch.consume() is False
    ch.finish()
    assert ch.consume() is True
    assert not ch.is_available()
    assert ch.checkpoint() is MISSING


def test_after_finish_new_write_resets_finished() -> None:
    ch = LastValueAfterFinish(int)
    ch.update([1])
    ch.finish()
    ch.update([2])
    assert not ch.is_available()
    ch.finish()
    assert ch.get() == 2


@given(values, st.booleans())
def test_after_finish_checkpoint_round_trip(value: object, finished: bool) -> None:
    ch = LastValueAfterFinish(object)
    ch.update([value])
    if finished:
        ch.finish()
    assert ch.checkpoint() == (value, finished)
    restored = ch.from_checkpoint(ch.checkpoint())
    assert restored.is_available() is finished
    assert restored.checkpoint() == (value, finished)
    assert not ch.from_checkpoint(MISSING).is_available()
