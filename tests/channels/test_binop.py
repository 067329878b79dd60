"""BinaryOperatorAggregate: folds writes with a reducer; Overwrite bypasses it."""

from __future__ import annotations

import collections.abc
import operator
from functools import reduce
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stategraph.channels import BinaryOperatorAggregate
from stategraph.channels.base import MISSING
from stategraph.errors import EmptyChannelError, ErrorCode, InvalidUpdateError
from stategraph.types import Overwrite


class NeedsArgs:
    def __init__(self, value: int) -> None:
        self.value = value


@pytest.mark.parametrize(
    ("typ", "initial"),
    [
        (list, []),
        (int, 0),
        (str, ""),
        (list[int], []),
        (collections.abc.Sequence, []),
        (collections.abc.Set, set()),
        (collections.abc.Mapping, {}),
    ],
)
def test_initial_value_from_type(typ: Any, initial: Any) -> None:
    ch = BinaryOperatorAggregate(typ, operator.add)
    assert ch.get() == initial
    assert type(ch.get()) is type(initial)


def test_type_without_default_constructor_starts_empty_and_first_write_seeds() -> None:
    ch = BinaryOperatorAggregate(NeedsArgs, lambda a, b: NeedsArgs(a.value + b.value))
    assert not ch.is_available()
    with pytest.raises(EmptyChannelError):
        ch.get()
    ch.update([NeedsArgs(2), NeedsArgs(3)])
    assert ch.get().value == 5


def test_empty_update_does_not_change() -> None:
    ch = BinaryOperatorAggregate(list, operator.add)
    ch.update([[1]])
    assert ch.update([]) is False
    assert ch.get() == [1]


@given(st.lists(st.lists(st.text(max_size=3), max_size=4), max_size=6))
def test_folding_is_left_to_right_in_write_order(batches: list[list[str]]) -> None:
    # string concatenation is not commutative: any reordering would show
    ch = BinaryOperatorAggregate(str, operator.add)
    for batch in batches:
        ch.update(batch)
    assert ch.get() == "".join(s for batch in batches for s in batch)


@given(st.lists(st.integers(-5, 5), min_size=1, max_size=8))
def test_reducer_called_as_op_acc_value(writes: list[int]) -> None:
    calls: list[tuple[Any, Any]] = []

    def op(acc: list[int], value: int) -> list[int]:
        calls.append((list(acc), value))
        return [*acc, value]

    ch = BinaryOperatorAggregate(list, op)
    ch.update(writes)
    assert ch.get() == writes
    assert [v for _, v in calls] == writes
    assert calls[0][0] == []


@given(
    st.lists(st.integers(0, 9), max_size=4),
    st.integers(100, 200),
    st.lists(st.integers(0, 9), max_size=4),
)
def test_overwrite_replaces_and_drops_later_writes_in_same_step(
    before: list[int], new: int, after: list[int]
) -> None:
    ch = BinaryOperatorAggregate(int, operator.add)
    ch.update([7])
    ch.update([*before, Overwrite(new), *after])
    assert ch.get() == new
    ch.update([1])  # next step folds again
    assert ch.get() == new + 1


@pytest.mark.parametrize("form", [lambda v: {"__overwrite__": v}, lambda v: {"type": "__overwrite__", "value": v}])
def test_overwrite_dict_forms(form: Any) -> None:
    ch = BinaryOperatorAggregate(list, operator.add)
    ch.update([[1, 2]])
    ch.update([form([9])])
    assert ch.get() == [9]


def test_plain_dict_with_overwrite_like_keys_is_reduced() -> None:
    ch = BinaryOperatorAggregate(dict, lambda a, b: {**a, **b})
    ch.update([{"type": "__overwrite__", "value": 1, "extra": 2}])
    assert ch.get() == {"type": "__overwrite__", "value": 1, "extra": 2}


def test_overwrite_as_first_write_into_empty_channel() -> None:
    ch = BinaryOperatorAggregate(NeedsArgs, lambda a, b: NeedsArgs(a.value + b.value))
    ch.update([Overwrite(NeedsArgs(4)), NeedsArgs(100)])
    assert ch.get().value == 4


def test_two_overwrites_in_one_step_raise() -> None:
    ch = BinaryOperatorAggregate(list, operator.add, key="items")
    with pytest.raises(InvalidUpdateError) as info:
        ch.update([Overwrite([1]), Overwrite([2])])
    assert "items" in str(info.value)
    assert info.value.code is ErrorCode.INVALID_CONCURRENT_GRAPH_UPDATE


def test_reducer_error_keeps_its_type_and_gets_a_note_with_key_and_code() -> None:
    ch = BinaryOperatorAggregate(int, operator.add, key="total")
    with pytest.raises(TypeError) as info:
        ch.update(["not a number"])
    note = " ".join(getattr(info.value, "__notes__", []))
    assert "'total'" in note and "[E204]" in note


@given(st.lists(st.integers(), max_size=10))
def test_checkpoint_round_trip(writes: list[int]) -> None:
    ch = BinaryOperatorAggregate(list, operator.add, key="log")
    ch.update([[w] for w in writes])
    restored = ch.from_checkpoint(ch.checkpoint())
    assert restored.get() == writes
    assert restored.key == "log"
    assert restored.operator is operator.add
    restored.update([[0]])
    assert ch.get() == writes  # restoring gave an independent channel


def test_from_missing_checkpoint_gives_initial_value() -> None:
    ch = BinaryOperatorAggregate(list, operator.add)
    ch.update([[1]])
    assert ch.from_checkpoint(MISSING).get() == []


def test_copy_is_independent() -> None:
    ch = BinaryOperatorAggregate(int, operator.add)
    ch.update([3])
    clone = ch.copy()
    ch.update([4])
    assert clone.get() == 3
    assert ch.get() == 7


def test_equality_compares_operators_with_lambda_wildcard() -> None:
    assert BinaryOperatorAggregate(list, operator.add) == BinaryOperatorAggregate(list, operator.add)
    assert BinaryOperatorAggregate(list, operator.add) != BinaryOperatorAggregate(list, operator.or_)
    assert BinaryOperatorAggregate(list, operator.add) == BinaryOperatorAggregate(list, lambda a, b: a)


@given(st.lists(st.integers(), max_size=6), st.lists(st.integers(), max_size=6))
def test_fold_over_two_steps_equals_fold_over_one(first: list[int], second: list[int]) -> None:
    one = BinaryOperatorAggregate(int, operator.sub)
    one.update([*first, *second])
    two = BinaryOperatorAggregate(int, operator.sub)
    two.update(first)
    two.update(second)
    assert one.get() == two.get() == reduce(operator.sub, [*first, *second], 0)
