"""Checkpoint ids: uuid6, time-ordered as strings, strictly increasing within a process."""

from __future__ import annotations

import os
import threading
import time
import uuid

import pytest

from stategraph.checkpoint import _ids
from stategraph.checkpoint._ids import new_checkpoint_id, uuid6


def _unix_seconds(value: uuid.UUID) -> float:
    as_int = value.int
    timestamp = ((as_int >> 80) << 12) | ((as_int >> 64) & 0x0FFF)
    return (timestamp - 0x01B21DD213814000) / 1e7


def test_uuid6_layout() -> None:
    value = uuid6(clock_seq=5)
    assert value.version == 6 and value.variant == uuid.RFC_4122
    assert value.clock_seq == 5
    assert uuid6(clock_seq=-1).clock_seq == 0x3FFF
    assert abs(_unix_seconds(value) - time.time()) < 2


def test_ids_sort_in_creation_order_even_within_one_clock_tick(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(time, "time_ns", lambda: 1_700_000_000_000_000_000)
    made = [new_checkpoint_id(step) for step in (5, 4, 3, 2, 1, 0, -1) * 20]
    assert made == sorted(made) and len(set(made)) == len(made)


def test_ids_keep_increasing_when_the_clock_steps_back(monkeypatch: pytest.MonkeyPatch) -> None:
    first = new_checkpoint_id()
    monkeypatch.setattr(time, "time_ns", lambda: 1_000_000_000)
    assert new_checkpoint_id() > first


def test_ids_are_unique_and_ordered_across_threads() -> None:
    made: list[list[str]] = [[] for _ in range(8)]

    def burst(index: int) -> None:
        made[index].extend(new_checkpoint_id() for _ in range(500))

    workers = [threading.Thread(target=burst, args=(n,)) for n in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len({i for ids in made for i in ids}) == 4000
    assert all(ids == sorted(ids) for ids in made)
    assert _ids.__all__ == ["new_checkpoint_id", "uuid6"]


def test_new_checkpoint_id_is_the_string_of_a_uuid6() -> None:
    made = new_checkpoint_id(7)
    parsed = uuid.UUID(made)
    assert str(parsed) == made and parsed.version == 6 and parsed.clock_seq == 7


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_draws_other_random_bits_than_its_parent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A frozen clock gives parent and child the same timestamps after the fork, so only
    # the random node bits can keep their ids apart: the child must reseed.
    monkeypatch.setattr(time, "time_ns", lambda: 1_700_000_000_000_000_000)
    new_checkpoint_id(1)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.close(read_end)
            os.write(write_end, "\n".join(new_checkpoint_id(1) for _ in range(50)).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    parent = [new_checkpoint_id(1) for _ in range(50)]
    with os.fdopen(read_end, "rb") as pipe:
        child = pipe.read().decode().split("\n")
    os.waitpid(pid, 0)
    assert len(child) == 50
    assert not set(parent) & set(child)
