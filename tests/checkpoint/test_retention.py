"""Which checkpoints prune keeps (pure rule shared by every backend)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from stategraph.checkpoint._ids import new_checkpoint_id, new_checkpoint_id_at, uuid6
from stategraph.checkpoint._retention import (
    CheckpointNode,
    age_cutoff,
    all_old,
    created_at,
    is_old,
    keep_count,
    select_kept,
    with_bases,
)
from stategraph.errors import CheckpointError, ErrorCode

from .conformance_retention import uuid6_at


def chain(*ids: str) -> list[CheckpointNode]:
    return [CheckpointNode(c, ids[i - 1] if i else None, False) for i, c in enumerate(ids)]


def test_keeps_the_newest_by_id() -> None:
    assert select_kept(chain("01", "02", "03", "04"), 1) == {"04"}
    assert select_kept(chain("01", "02", "03", "04"), 3) == {"04", "03", "02"}
    assert select_kept(chain("01"), 5) == {"01"}
    assert select_kept([], 1) == set()


def test_keeps_a_leaf_waiting_on_an_interrupt_but_not_an_answered_one() -> None:
    nodes = [
        CheckpointNode("01", None, True),  # answered: has a child
        CheckpointNode("02", "01", True),  # paused leaf of an old branch
        CheckpointNode("03", "01", False),
        CheckpointNode("04", "03", False),
    ]
    assert select_kept(nodes, 1) == {"04", "02", "01"}  # 01 kept as fork point of 02


def test_keeps_chains_of_fork_points_above_kept_checkpoints() -> None:
    nodes = [
        CheckpointNode("01", None, False),
        CheckpointNode("02", "01", False),
        CheckpointNode("03", "01", False),  # 01 forks into 02 and 03
        CheckpointNode("04", "03", False),
        CheckpointNode("05", "03", False),  # 03 forks into 04 and 05
        CheckpointNode("06", "02", False),
    ]
    assert select_kept(nodes, 1) == {"06"}  # 02 has one child: not a fork point
    assert select_kept(nodes, 2) == {"06", "05", "03", "01"}


def test_parents_outside_the_scope_are_ignored() -> None:
    nodes = [
        CheckpointNode("02", "pruned-earlier", False),
        CheckpointNode("03", "pruned-earlier", False),
    ]
    assert select_kept(nodes, 1) == {"03"}


def test_keep_count() -> None:
    assert keep_count(None, "keep_latest") == 1
    assert keep_count(4, "keep_latest") == 4
    assert keep_count(3, "delete") is None
    for keep_last, strategy in (
        (0, "keep_latest"),
        (True, "keep_latest"),
        (1.5, "keep_latest"),
        (1, "other"),
    ):
        with pytest.raises(CheckpointError):
            keep_count(keep_last, strategy)  # type: ignore[arg-type]


def test_with_bases_follows_delta_chains_transitively() -> None:
    bases = {"d3": "d2", "d2": "s1", "x2": "x1", "loop1": "loop2", "loop2": "loop1"}
    assert with_bases({"d3"}, bases) == {"d3", "d2", "s1"}
    assert with_bases({"s1", "x2"}, bases) == {"s1", "x2", "x1"}
    assert with_bases({"loop1"}, bases) == {"loop1", "loop2"}
    assert with_bases(set(), bases) == set()


NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_created_at_reads_the_timestamp_of_a_uuid6() -> None:
    # 0x1f0f5c3a4b2ed10 ticks of 100 ns since 1582-10-15, i.e. since the Unix epoch less
    # 0x01B21DD213814000 ticks, cut to microseconds
    unix_ticks = 0x1F0F5C3A4B2ED10 - 0x01B21DD213814000
    expected = datetime(2026, 1, 20, 5, 48, 27, 910273, tzinfo=UTC)
    assert datetime.fromtimestamp(0, UTC) + timedelta(microseconds=unix_ticks // 10) == expected
    assert created_at("1f0f5c3a-4b2e-6d10-8000-000000000000") == expected
    when = datetime(2001, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
    assert created_at(uuid6_at(when, step=-1)) == when
    assert created_at(uuid6_at(when).upper()) == when
    assert created_at(uuid6_at(datetime(1582, 10, 15, tzinfo=UTC))) == datetime(
        1582, 10, 15, tzinfo=UTC
    )


def test_created_at_of_the_engines_ids_is_their_creation_time() -> None:
    before = datetime.now(UTC)
    checkpoint_id, micros = new_checkpoint_id_at(3)
    after = datetime.now(UTC)
    created = created_at(checkpoint_id)
    assert created is not None
    assert created == datetime.fromtimestamp(0, UTC) + timedelta(microseconds=micros)
    assert before - timedelta(milliseconds=5) <= created <= after + timedelta(milliseconds=5)
    assert created_at(str(uuid6())) is not None
    assert created_at(new_checkpoint_id()) is not None


@pytest.mark.parametrize(
    "checkpoint_id",
    [
        str(uuid.uuid4()),
        str(uuid.uuid1()),
        "00000000-0000-1000-8000-000000000005",  # a uuid1
        "1f0f5c3a-4b2e-6d10-c000-000000000000",  # version 6 bits, but Microsoft's variant
        "1f0f5c3a4b2e6d108000000000000000",  # a uuid6, not in the canonical form
        "{1f0f5c3a-4b2e-6d10-8000-000000000000}",
        "urn:uuid:1f0f5c3a-4b2e-6d10-8000-000000000000",
        "1f0f5c3a-4b2e-6d10-8000-00000000000",
        "checkpoint-1",
        "",
        None,
        42,
    ],
)
def test_created_at_is_none_for_anything_but_a_canonical_uuid6(checkpoint_id: object) -> None:
    assert created_at(checkpoint_id) is None  # type: ignore[arg-type]


def test_is_old_and_all_old_compare_with_the_cutoff() -> None:
    cutoff = NOW - timedelta(days=30)
    old, recent = uuid6_at(cutoff - timedelta(microseconds=1)), uuid6_at(cutoff)
    assert is_old(old, cutoff) and not is_old(recent, cutoff)
    assert not is_old("checkpoint-1", cutoff) and not is_old(str(uuid.uuid4()), cutoff)
    assert all_old([old, uuid6_at(NOW - timedelta(days=400))], cutoff)
    assert all_old(iter([old]), cutoff)
    assert not all_old([old, recent], cutoff)
    assert not all_old([old, "checkpoint-1"], cutoff)  # unknown age: never idle
    assert not all_old([], cutoff)  # no checkpoints: nothing to delete


def test_age_cutoff_takes_a_timedelta_or_seconds_from_now() -> None:
    assert age_cutoff(None, NOW) is None
    assert age_cutoff(timedelta(days=30), NOW) == NOW - timedelta(days=30)
    assert age_cutoff(60, NOW) == NOW - timedelta(minutes=1)
    assert age_cutoff(0.5, NOW) == NOW - timedelta(milliseconds=500)
    assert age_cutoff(timedelta(days=10**6), NOW) == datetime.min.replace(tzinfo=UTC)
    local = NOW.astimezone(timezone(timedelta(hours=5)))
    assert age_cutoff(60, local) == NOW - timedelta(minutes=1)
    before = datetime.now(UTC)
    cutoff = age_cutoff(timedelta(hours=1))
    assert cutoff is not None
    assert before - timedelta(hours=1) <= cutoff <= datetime.now(UTC) - timedelta(hours=1)


@pytest.mark.parametrize(
    "max_age",
    [0, -1, 0.0, -2.5, 1e-9, timedelta(0), timedelta(days=-1), True, False, "30",
     float("nan"), float("inf"), float("-inf"), 10.0**20, [30]],
)  # fmt: skip
def test_age_cutoff_rejects_a_max_age_that_is_not_positive(max_age: object) -> None:
    with pytest.raises(CheckpointError) as raised:
        age_cutoff(max_age, NOW)  # type: ignore[arg-type]
    assert raised.value.code is ErrorCode.CHECKPOINT_BAD_ARGUMENT
    message = str(raised.value)
    assert f"max_age={max_age!r}" in message
    assert "timedelta(days=30)" in message and "keep_last" in message


def test_select_kept_with_a_cutoff_also_keeps_every_recent_checkpoint() -> None:
    cutoff = NOW - timedelta(days=30)
    ago = [uuid6_at(NOW - timedelta(days=d)) for d in (60, 50, 40, 20, 10)]
    nodes = chain(*ago)
    assert select_kept(nodes, 1, cutoff) == {ago[3], ago[4]}
    assert select_kept(nodes, 3, cutoff) == {ago[2], ago[3], ago[4]}
    assert select_kept(nodes, 1, NOW - timedelta(days=100)) == set(ago)
    assert select_kept(nodes, 1, None) == {ago[4]}
    legacy = chain("0-legacy", *ago[:3])  # an id of unknown age is kept
    assert select_kept(legacy, 1, cutoff) == {"0-legacy", ago[2]}


def test_select_kept_with_a_cutoff_still_keeps_interrupt_waits_and_fork_points() -> None:
    cutoff = NOW - timedelta(days=30)
    first, fork, paused, old_leaf, recent = (
        uuid6_at(NOW - timedelta(days=d)) for d in (60, 59, 58, 57, 1)
    )
    nodes = [
        CheckpointNode(first, None, False),
        CheckpointNode(fork, first, False),
        CheckpointNode(paused, fork, True),
        CheckpointNode(old_leaf, fork, False),
        CheckpointNode(recent, old_leaf, False),
    ]
    assert select_kept(nodes, 1, cutoff) == {recent, paused, fork}
