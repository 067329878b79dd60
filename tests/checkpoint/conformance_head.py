"""Spec cases for the single-writer check (``__pregel_expected_head``) every saver passes.

Backend test modules opt in next to ``conformance``::

    from .conformance_head import *  # noqa: F403
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from stategraph.checkpoint._ids import new_checkpoint_id
from stategraph.errors import CheckpointError, ConcurrentRunError, ErrorCode

from .conformance import Backend, Harness, Portal, Writer, config, id_of, make_checkpoint


def with_head(config_: dict[str, Any], expected: str | None) -> dict[str, Any]:
    """Return ``config_`` carrying the head the writer expects (as the engine passes it)."""
    return {"configurable": {**config_["configurable"], "__pregel_expected_head": expected}}


def put_child(
    harness: Harness, parent: dict[str, Any], expected: str | None, checkpoint_id: str | None = None
) -> dict[str, Any]:
    checkpoint = make_checkpoint({"a": "child"}, {"a": 99})
    if checkpoint_id is not None:
        checkpoint["id"] = checkpoint_id
    return harness.put(with_head(parent, expected), checkpoint, {"source": "loop"}, {"a": 99})


def test_a_put_that_names_the_current_head_advances_it(harness: Harness) -> None:
    writer = Writer(harness, "t")
    writer.save({"a": 1})
    head = writer.save({"a": 2})
    saved = put_child(harness, head, id_of(head))
    assert harness.get_tuple(config("t")).config == saved
    assert harness.get_tuple(saved).parent_config == head


def test_a_stale_head_is_refused_and_nothing_is_stored(
    harness: Harness, backend: Backend, saver: Any, portal: Portal
) -> None:
    writer = Writer(harness, "t")
    first = writer.save({"a": 1, "big": [1, 2]})
    head = writer.save({"a": 2})
    blobs_before = backend.count_blobs(saver, portal, "t")
    with pytest.raises(ConcurrentRunError) as raised:
        put_child(harness, first, id_of(first))
    error = raised.value
    assert isinstance(error, CheckpointError)
    assert error.code is ErrorCode.CHECKPOINT_CONCURRENT_WRITER
    assert (error.thread_id, error.expected_head, error.actual_head) == (
        "t", id_of(first), id_of(head),
    )  # fmt: skip
    message = str(error)
    assert "'t'" in message and id_of(first) in message and id_of(head) in message
    assert "concurrently" in message
    assert len(harness.list(config("t"))) == 2
    assert backend.count_blobs(saver, portal, "t") == blobs_before
    assert harness.get_tuple(config("t")).config == head


def test_an_empty_expected_head_means_the_thread_has_no_checkpoint_yet(harness: Harness) -> None:
    first = put_child(harness, config("t"), "")
    with pytest.raises(ConcurrentRunError) as raised:
        put_child(harness, config("t"), "")
    assert raised.value.actual_head == id_of(first)
    assert "no checkpoint yet" in str(raised.value)
    with pytest.raises(ConcurrentRunError) as raised:
        put_child(harness, config("u"), id_of(first))  # thread "u" is empty
    assert raised.value.actual_head is None
    # Namespaces have their own heads.
    put_child(harness, config("t", "node:1"), "")
    assert len(harness.list(config("t", checkpoint_ns=None))) == 2


def test_an_id_not_newer_than_the_head_is_refused(harness: Harness) -> None:
    older_id = new_checkpoint_id()
    head = Writer(harness, "t").save({"a": 1})
    for checkpoint_id in (older_id, id_of(head)):
        with pytest.raises(ConcurrentRunError) as raised:
            put_child(harness, head, id_of(head), checkpoint_id)
        assert raised.value.code is ErrorCode.CHECKPOINT_CONCURRENT_WRITER
        assert "not newer" in str(raised.value)
    assert ids_and_values(harness) == [(id_of(head), {"a": 1})]


def ids_and_values(harness: Harness) -> list[tuple[str, Any]]:
    return [(id_of(t.config), t.checkpoint["channel_values"]) for t in harness.list(config("t"))]


def test_without_an_expected_head_nothing_is_checked(harness: Harness) -> None:
    writer = Writer(harness, "t")
    first = writer.save({"a": 1})
    writer.save({"a": 2})
    older_id = new_checkpoint_id()
    for expected in (None, "absent"):
        parent = first if expected is None else config("t", "", id_of(first))
        checkpoint_id = new_checkpoint_id() if expected is None else older_id
        if expected is None:
            put_child(harness, parent, None, checkpoint_id)
        else:  # the key is absent: LangGraph's callers
            harness.put(parent, make_checkpoint({"a": 0}, {"a": 1}) | {"id": checkpoint_id}, {}, {})
    assert len(harness.list(config("t"))) == 4


def test_an_expected_head_of_the_wrong_type_is_a_bad_argument(harness: Harness) -> None:
    with pytest.raises(CheckpointError) as raised:
        put_child(harness, config("t"), 7)  # type: ignore[arg-type]
    assert raised.value.code is ErrorCode.CHECKPOINT_BAD_ARGUMENT
    assert "__pregel_expected_head" in str(raised.value)


def test_racing_writers_that_share_a_head_leave_exactly_one_child(harness: Harness) -> None:
    head = Writer(harness, "t").save({"a": 1})
    racers = 6
    barrier = threading.Barrier(racers)
    outcomes: list[str] = []

    def race() -> None:
        barrier.wait()
        try:
            put_child(harness, head, id_of(head), new_checkpoint_id())
            outcomes.append("won")
        except ConcurrentRunError:
            outcomes.append("refused")

    workers = [threading.Thread(target=race) for _ in range(racers)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(outcomes) == ["refused"] * (racers - 1) + ["won"]
    children = [t for t in harness.list(config("t")) if t.parent_config == head]
    assert len(children) == 1
