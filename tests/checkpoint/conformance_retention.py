"""Spec cases for ``prune(..., max_age=...)`` (age-based retention) every saver passes.

Backend test modules opt in next to ``conformance``::

    from .conformance_retention import *  # noqa: F403

Checkpoints are made "old" by giving them uuid6 ids whose timestamp is a chosen past
time (``Clock``), never by sleeping; the other checkpoints get the engine's ids (now).
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from stategraph.errors import CheckpointError, ErrorCode

from .conformance import Backend, Harness, Portal, Writer, config, id_of, ids
from .conformance_delta import grow, messages_of
from .strategies import assert_same

MONTH = timedelta(days=30)
# a uuid (version 1, so of unknown age) whose text sorts below every engine id
LEGACY_ID = "00000000-0000-1000-8000-000000000005"
_GREGORIAN = datetime(1582, 10, 15, tzinfo=UTC)


def uuid6_at(when: datetime, step: int = 0) -> str:
    """A uuid6 id text whose timestamp is ``when`` (built by hand from RFC 9562's layout)."""
    ticks = (when - _GREGORIAN) // timedelta(microseconds=1) * 10
    value = (ticks >> 12) << 80 | 0x6 << 76 | (ticks & 0xFFF) << 64
    value |= 0b10 << 62 | (step & 0x3FFF) << 48 | random.getrandbits(48)
    return str(uuid.UUID(int=value))


def days_ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


class Clock:
    """A harness whose puts get ids made at ``now`` (one minute apart), or fresh ids if None.

    ``next_id``, when set, is the id of the next put instead.
    """

    def __init__(self, harness: Harness, now: datetime | None) -> None:
        self.harness, self.now = harness, now
        self.next_id: str | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.harness, name)

    def put(self, config_: Any, checkpoint: Any, metadata: Any, new_versions: Any) -> Any:
        if self.next_id is not None:
            checkpoint, self.next_id = {**checkpoint, "id": self.next_id}, None
        elif self.now is not None:
            checkpoint = {**checkpoint, "id": uuid6_at(self.now, metadata.get("step", 0))}
            self.now += timedelta(minutes=1)
        return self.harness.put(config_, checkpoint, metadata, new_versions)


def aged_writer(harness: Harness, thread_id: str, days: float, checkpoint_ns: str = "") -> Writer:
    """A writer whose checkpoints are ``days`` old until its clock is stopped (``fresh``)."""
    return Writer(Clock(harness, days_ago(days)), thread_id, checkpoint_ns)  # type: ignore[arg-type]


def fresh(writer: Writer) -> Writer:
    """Let ``writer``'s next checkpoints be made now."""
    writer.harness.now = None  # type: ignore[attr-defined]
    return writer


def save_with_id(writer: Writer, checkpoint_id: str, updates: dict[str, Any]) -> dict[str, Any]:
    """``writer.save(updates)`` storing the checkpoint under ``checkpoint_id``."""
    writer.harness.next_id = checkpoint_id  # type: ignore[attr-defined]
    return writer.save(updates)


def all_ids(harness: Harness, thread_id: str) -> set[str]:
    return set(ids(harness.list(config(thread_id, checkpoint_ns=None))))


def test_max_age_deletes_old_checkpoints_beyond_keep_last_and_keeps_recent_ones(
    harness: Harness, backend: Backend, saver: Any, portal: Portal
) -> None:
    writer = aged_writer(harness, "t", 40)
    old = [writer.save({"a": n, "fixed": "f"} if n == 0 else {"a": n}) for n in range(3)]
    fresh(writer)
    recent = [writer.save({"a": n}) for n in (3, 4)]
    child = aged_writer(harness, "t", 50, "node:1")
    child_saved = [child.save({"c": n}) for n in range(2)]
    other = aged_writer(harness, "u", 40)
    untouched = [other.save({"a": n}) for n in range(3)]
    harness.prune(["t"], max_age=MONTH)
    assert all_ids(harness, "t") == {id_of(c) for c in (*recent, child_saved[-1])}
    assert harness.get(recent[0])["channel_values"] == {"a": 3, "fixed": "f"}
    assert harness.get(recent[1])["channel_values"] == {"a": 4, "fixed": "f"}
    assert harness.get_tuple(recent[1]).parent_config == recent[0]
    assert harness.get(child_saved[-1])["channel_values"] == {"c": 1}
    assert harness.get_tuple(old[-1]) is None
    assert all_ids(harness, "u") == {id_of(c) for c in untouched}
    before = backend.count_blobs(saver, portal, "t")
    harness.prune(["t"], max_age=MONTH.total_seconds())  # seconds; nothing more is old
    assert all_ids(harness, "t") == {id_of(c) for c in (*recent, child_saved[-1])}
    assert backend.count_blobs(saver, portal, "t") == before


def test_keep_last_still_keeps_the_newest_old_checkpoints(harness: Harness) -> None:
    writer = aged_writer(harness, "t", 50)
    made = [writer.save({"a": n}) for n in range(5)]
    harness.prune(["t"], max_age=100 * 86400.0)  # all younger than 100 days: nothing goes
    assert all_ids(harness, "t") == {id_of(c) for c in made}
    harness.prune(["t"], keep_last=2, max_age=MONTH)
    assert ids(harness.list(config("t"))) == [id_of(made[4]), id_of(made[3])]
    harness.prune(["t"], max_age=timedelta(days=1))  # keep_last defaults to 1
    assert ids(harness.list(config("t"))) == [id_of(made[4])]
    assert harness.get(made[4])["channel_values"] == {"a": 4}


def test_max_age_keeps_interrupt_waits_and_their_fork_points(harness: Harness) -> None:
    main = aged_writer(harness, "t", 60)
    first = main.save({"a": 1})
    fork_point = main.save({"a": 2})
    paused = main.save({"a": 3})
    harness.put_writes(paused, [("__interrupt__", ["ask"])], "task")
    harness.put_writes(first, [("__interrupt__", ["answered"])], "task")  # has a child
    other_branch = main.fork(fork_point)
    old_leaf = other_branch.save({"a": "fork"})
    recent = fresh(other_branch).save({"a": "now"})
    harness.prune(["t"], max_age=MONTH)
    assert all_ids(harness, "t") == {id_of(recent), id_of(paused), id_of(fork_point)}
    assert harness.get_tuple(old_leaf) is None
    assert harness.get(paused)["channel_values"] == {"a": 3}
    assert harness.get_tuple(paused).pending_writes == [("task", "__interrupt__", ["ask"])]
    assert harness.get(recent)["channel_values"] == {"a": "now"}


def test_delete_with_max_age_deletes_only_idle_threads(
    harness: Harness, backend: Backend, saver: Any, portal: Portal
) -> None:
    idle = aged_writer(harness, "idle", 40)
    for n in range(5):
        idle.save({"a": n})
    aged_writer(harness, "idle", 35, "node:1").save({"c": 1})
    busy = aged_writer(harness, "busy", 40)
    busy_made = [busy.save({"a": n}) for n in range(5)]
    busy_child = fresh(aged_writer(harness, "busy", 40, "node:1")).save({"c": 1})  # recent
    new = Writer(harness, "new")
    new_made = [new.save({"a": n}) for n in range(2)]
    harness.prune(["idle", "busy", "new", "missing"], strategy="delete", max_age=MONTH)
    assert all_ids(harness, "idle") == set()
    assert backend.count_blobs(saver, portal, "idle") == 0
    assert all_ids(harness, "busy") == {id_of(c) for c in (*busy_made, busy_child)}
    assert harness.get(busy_made[0])["channel_values"] == {"a": 0}
    assert all_ids(harness, "new") == {id_of(c) for c in new_made}
    harness.prune(["busy"], strategy="delete", max_age=timedelta(days=45))
    assert len(all_ids(harness, "busy")) == 6


def test_a_checkpoint_whose_id_is_not_a_uuid6_is_never_deleted_for_age(harness: Harness) -> None:
    writer = aged_writer(harness, "t", 40)
    legacy = save_with_id(writer, LEGACY_ID, {"a": "legacy"})  # the oldest by id
    old = [writer.save({"a": n}) for n in range(4)]
    recent = fresh(writer).save({"a": "now"})
    only_old = aged_writer(harness, "u", 40)
    save_with_id(only_old, LEGACY_ID, {"a": "legacy"})
    u_made = [only_old.save({"a": n}) for n in range(4)]
    harness.prune(["t"], max_age=MONTH)
    assert all_ids(harness, "t") == {LEGACY_ID, id_of(recent)}
    assert harness.get(legacy)["channel_values"] == {"a": "legacy"}
    assert harness.get_tuple(old[0]) is None
    harness.prune(["u"], strategy="delete", max_age=MONTH)  # "u" holds an id of unknown age
    assert all_ids(harness, "u") == {LEGACY_ID, *(id_of(c) for c in u_made)}
    assert harness.get(u_made[-1])["channel_values"] == {"a": 3}


BAD_AGES = [0, -1, 0.0, -0.5, 1e-9, timedelta(0), timedelta(seconds=-5), True, False]
BAD_AGES += ["30d", float("nan"), float("inf"), 10.0**20, [30]]


@pytest.mark.parametrize("strategy", ["keep_latest", "delete"])
def test_a_bad_max_age_raises_naming_it_and_deletes_nothing(
    harness: Harness, backend: Backend, saver: Any, portal: Portal, strategy: str
) -> None:
    writer = aged_writer(harness, "t", 40)
    made = [writer.save({"a": n}) for n in range(4)]
    blobs = backend.count_blobs(saver, portal, "t")
    for bad in BAD_AGES:
        with pytest.raises(CheckpointError) as raised:
            harness.prune(["t"], strategy=strategy, max_age=bad)
        assert raised.value.code is ErrorCode.CHECKPOINT_BAD_ARGUMENT, bad
        message = str(raised.value)
        assert "max_age" in message and "timedelta" in message, message
    assert all_ids(harness, "t") == {id_of(c) for c in made}
    assert backend.count_blobs(saver, portal, "t") == blobs
    assert harness.get(made[0])["channel_values"] == {"a": 0}


def test_survivors_of_max_age_load_with_their_delta_chains(
    harness: Harness, backend: Backend, saver: Any, portal: Portal
) -> None:
    writer = aged_writer(harness, "t", 40)
    old = grow(writer, 20)
    recent = grow(fresh(writer), 3, start=20, messages=old[-1][1])
    before = backend.stored_blobs(saver, portal, "t")
    chains = {("", "messages", id_of(saved)) for saved, _ in recent}
    frontier = list(chains)
    while frontier:  # the recent blobs and every blob they build on
        base = before[frontier.pop()].base
        if base is not None and ("", "messages", base) not in chains:
            chains.add(("", "messages", base))
            frontier.append(("", "messages", base))
    assert len(chains) > 3  # the engine stores extensions as deltas of old blobs
    harness.prune(["t"], max_age=MONTH)
    assert all_ids(harness, "t") == {id_of(saved) for saved, _ in recent}
    assert set(backend.stored_blobs(saver, portal, "t")) == chains
    saver._lists.clear()
    for saved, value in recent:
        assert_same(messages_of(harness, saved), value)
    more = grow(writer, 2, start=23, messages=recent[-1][1])
    saver._lists.clear()
    assert_same(messages_of(harness, more[-1][0]), more[-1][1])
