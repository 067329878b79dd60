"""Spec cases for ``delete_for_runs`` (the server's rollback) every saver passes.

Backend test modules opt in next to ``conformance``::

    from .conformance_runs import *  # noqa: F403

A checkpoint belongs to the run named by its metadata ``run_id``; deleting a run takes
its checkpoints, their pending writes and the blobs nothing else refers to.
"""

from __future__ import annotations

from typing import Any

from .conformance import Backend, Harness, Portal, Writer, config, id_of, ids


def _two_runs(harness: Harness, thread_id: str = "t") -> tuple[Writer, dict[str, Any]]:
    """Run r1 writes three checkpoints, run r2 two more (with a new blob and writes)."""
    writer = Writer(harness, thread_id)
    writer.save({"a": 1, "big": ["x"] * 50}, run_id="r1")
    writer.save({"a": 2}, run_id="r1")
    last_of_r1 = writer.save({"a": 3}, run_id="r1")
    first_of_r2 = writer.save({"a": 4, "b": "new"}, run_id="r2")
    harness.put_writes(first_of_r2, [("a", 5)], "task-1")
    last_of_r2 = writer.save({"a": 5}, run_id="r2")
    harness.put_writes(last_of_r2, [("__interrupt__", "ask")], "task-2")
    return writer, last_of_r1


def test_delete_for_runs_takes_the_runs_checkpoints_writes_and_blobs(
    harness: Harness, backend: Backend, saver: Any, portal: Portal
) -> None:
    _, last_of_r1 = _two_runs(harness)
    harness.delete_for_runs(["r2"])
    latest = harness.get_tuple(config("t"))
    assert latest.config == last_of_r1
    assert latest.checkpoint["channel_values"] == {"a": 3, "big": ["x"] * 50}
    assert latest.pending_writes == []
    assert [t.metadata["run_id"] for t in harness.list(config("t"))] == ["r1"] * 3
    assert backend.count_blobs(saver, portal, "t") == 4  # a x3, big x1: r2's are gone


def test_delete_for_runs_reaches_every_thread_and_namespace(harness: Harness) -> None:
    _two_runs(harness, "t")
    _, kept_of_u = _two_runs(harness, "u")
    child = Writer(harness, "t", "node:1")
    child.save({"c": 1}, run_id="r2")
    harness.delete_for_runs(["r2", "unknown"])
    assert harness.get_tuple(config("t", "node:1")) is None
    assert harness.get_tuple(config("u")).config == kept_of_u
    assert {t.metadata["run_id"] for t in harness.list(None)} == {"r1"}


def test_delete_for_runs_keeps_blobs_a_later_run_still_reads(harness: Harness) -> None:
    writer = Writer(harness, "t")
    writer.save({"a": 1}, run_id="r1")
    writer.save({"a": 2, "big": ["y"] * 20}, run_id="r2")
    last = writer.save({"a": 3}, run_id="r3")  # refers to r2's blob of "big"
    harness.delete_for_runs(["r2"])
    assert harness.get(last)["channel_values"] == {"a": 3, "big": ["y"] * 20}
    assert [t.metadata["run_id"] for t in harness.list(config("t"))] == ["r3", "r1"]


def test_after_delete_for_runs_a_new_run_continues_from_what_is_left(harness: Harness) -> None:
    writer, last_of_r1 = _two_runs(harness)
    harness.delete_for_runs(["r2"])
    again = writer.fork(last_of_r1)
    newest = again.save({"a": 10}, run_id="r3")
    assert harness.get_tuple(config("t")).config == newest
    assert harness.get(newest)["channel_values"] == {"a": 10, "big": ["x"] * 50}
    assert ids(harness.list(config("t")))[1] == id_of(last_of_r1)


def test_delete_for_runs_of_nothing_changes_nothing(harness: Harness) -> None:
    writer = Writer(harness, "t")
    first = writer.save({"a": 1}, run_id="r1")
    harness.delete_for_runs([])
    harness.delete_for_runs(["other"])
    assert harness.get_tuple(config("t")).config == first


def test_delete_for_runs_within_one_thread_leaves_the_others(harness: Harness) -> None:
    _, kept_of_t = _two_runs(harness, "t")
    writer_u, _ = _two_runs(harness, "u")
    harness.delete_for_runs(["r2"], thread_id="t")
    harness.delete_for_runs(["r2"], thread_id="nowhere")
    assert harness.get_tuple(config("t")).config == kept_of_t
    assert harness.get_tuple(config("u")).config == writer_u.config  # u's r2 stays
    assert harness.get_tuple(config("u")).metadata["run_id"] == "r2"
