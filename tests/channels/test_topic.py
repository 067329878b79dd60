"""Topic: pub/sub list channel, cleared each step unless accumulating."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stategraph.channels import Topic
from stategraph.channels.base import MISSING
from stategraph.errors import EmptyChannelError

items = st.one_of(st.integers(), st.lists(st.integers(), max_size=3))


def flatten(batch: list[object]) -> list[object]:
    out: list[object] = []
    for v in batch:
        out.extend(v) if isinstance(v, list) else out.append(v)
    return out


def test_empty_topic() -> None:
    ch = Topic(int)
    assert not ch.is_available()
    assert ch.checkpoint() is MISSING
    with pytest.raises(EmptyChannelError):
        ch.get()


def test_values_and_lists_are_flattened_one_level() -> None:
    ch = Topic(int)
    assert ch.update([1, [2, 3], [[4]]]) is True
    assert ch.get() == [1, 2, 3, [4]]


def test_non_accumulating_topic_clears_on_next_step() -> None:
    ch = Topic(int)
    ch.update([1, 2])
    assert ch.update([3]) is True
    assert ch.get() == [3]
    assert ch.update([]) is True  # cleared
    assert not ch.is_available()
    assert ch.update([]) is False


def test_accumulating_topic_keeps_values_across_steps() -> None:
    ch = Topic(int, accumulate=True)
    ch.update([1])
    assert ch.update([]) is False
    ch.update([2, [3]])
    assert ch.get() == [1, 2, 3]


def test_get_returns_a_copy() -> None:
    ch = Topic(int, accumulate=True)
    ch.update([1])
    got = ch.get()
    got.append(99)
    assert ch.get() == [1]


@given(st.lists(st.lists(items, max_size=4), max_size=5), st.booleans())
def test_topic_semantics_property(batches: list[list[object]], accumulate: bool) -> None:
    ch = Topic(int, accumulate=accumulate)
    expected: list[object] = []
    for batch in batches:
        ch.update(batch)
        expected = [*expected, *flatten(batch)] if accumulate else flatten(batch)
    assert (ch.get() if ch.is_available() else []) == expected


@given(st.lists(st.integers(), max_size=6), st.booleans())
def test_checkpoint_round_trip(values: list[int], accumulate: bool) -> None:
    ch = Topic(int, accumulate=accumulate)
    ch.update(values)
    cp = ch.checkpoint()
    assert cp == (values if values else MISSING)
    restored = ch.from_checkpoint(cp)
    assert restored.accumulate is accumulate
    assert (restored.get() if restored.is_available() else []) == values
    restored.update([1000])
    assert (ch.get() if ch.is_available() else []) == values


def test_equality_by_accumulate_flag() -> None:
    assert Topic(int) == Topic(str)
    assert Topic(int) != Topic(int, accumulate=True)
