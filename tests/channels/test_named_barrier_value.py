"""NamedBarrierValue(+AfterFinish): available once every named source has written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stategraph.channels import NamedBarrierValue, NamedBarrierValueAfterFinish
from stategraph.channels.base import MISSING
from stategraph.errors import EmptyChannelError, InvalidUpdateError


def test_available_only_when_all_names_seen() -> None:
    ch = NamedBarrierValue(str, {"a", "b"})
    assert ch.update(["a"]) is True
    assert not ch.is_available()
    with pytest.raises(EmptyChannelError):
        ch.get()
    assert ch.update(["a"]) is False  # already seen
    assert ch.update(["b"]) is True
    assert ch.is_available()
    assert ch.get() is None


def test_consume_resets_only_when_full() -> None:
    ch = NamedBarrierValue(str, {"a", "b"})
    ch.update(["a"])
    assert ch.consume() is False
    ch.update(["b"])
    assert ch.consume() is True
    assert not ch.is_available()
    assert ch.checkpoint() is MISSING


def test_unknown_name_is_rejected() -> None:
    ch = NamedBarrierValue(str, {"a", "b"}, key="join:a+b:c")
    with pytest.raises(InvalidUpdateError) as info:
        ch.update(["z"])
    assert "'z'" in str(info.value)
    assert "join:a+b:c" in str(info.value)


@given(st.sets(st.sampled_from("abcd")))
def test_checkpoint_round_trip(seen: set[str]) -> None:
    ch = NamedBarrierValue(str, set("abcd"))
    ch.update(sorted(seen))
    cp = ch.checkpoint()
    assert cp == (seen if seen else MISSING)
    restored = ch.from_checkpoint(cp)
    assert restored.is_available() is (seen == set("abcd"))
    assert restored.names == frozenset("abcd")
    restored.update(["a", "b", "c", "d"])
    assert ch.checkpoint() == cp  # independent


@given(st.permutations(["a", "b", "c"]))
def test_order_of_arrival_does_not_matter(order: list[str]) -> None:
    ch = NamedBarrierValue(str, {"a", "b", "c"})
    for _i, name in enumerate(order):
        assert not ch.is_available()
        ch.update([name])
    assert ch.is_available()


def test_after_finish_waits_for_finish() -> None:
    ch = NamedBarrierValueAfterFinish(str, {"a", "b"})
    ch.update(["a"])
    assert ch.finish() is False  # not full
    ch.update(["b"])
    assert not ch.is_available()
    assert ch.consume() is False
    assert ch.finish() is True
    assert ch.is_available()
    assert ch.get() is None
    assert ch.consume() is True
    assert not ch.is_available()
    assert ch.checkpoint() is MISSING


@given(st.sets(st.sampled_from("ab"), min_size=1), st.booleans())
def test_after_finish_checkpoint_round_trip(seen: set[str], finish: bool) -> None:
    ch = NamedBarrierValueAfterFinish(str, {"a", "b"})
    ch.update(sorted(seen))
    finished = ch.finish() if finish else False
    cp = ch.checkpoint()
    assert cp == (seen, finished)
    restored = ch.from_checkpoint(cp)
    assert restored.is_available() is (finished and seen == {"a", "b"})
    assert not ch.from_checkpoint(MISSING).is_available()
