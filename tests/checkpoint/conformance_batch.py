"""Spec cases for the SQL savers' ``batch``: several puts and writes in one transaction
(``checkpoint/_sql/batch.py``), through the sync and the async API.

A backend's test module opts in with ``from .conformance_batch import *``.
"""

from __future__ import annotations

from typing import Any

import pytest

from stategraph.checkpoint._delta import DELTA_TYPE
from stategraph.checkpoint._list_cache import ListCache
from stategraph.errors import CheckpointError, ErrorCode

from .conformance import Harness, config, id_of, make_checkpoint


def _head_config(thread_id: str, parent: str | None, expected: str) -> dict[str, Any]:
    conf = config(thread_id, checkpoint_id=parent)
    conf["configurable"]["__pregel_expected_head"] = expected
    return conf


def chain_ops(thread_id: str, steps: int) -> tuple[list[tuple[Any, ...]], list[str]]:
    """A run's ops: puts chained by expected head, a growing list, writes after each put."""
    ops: list[tuple[Any, ...]] = []
    made: list[str] = []
    parent: str | None = None
    for step in range(steps):
        # a long first item: later items fit in a delta (see checkpoint._delta's bound)
        values = {"messages": ["m" * 500] + [f"m{n}" for n in range(1, step + 1)], "n": step}
        if step % 3 == 2:
            del values["n"]  # an unchanged channel reuses its parent's blob
        versions = {"messages": step + 1, "n": 1 if step % 3 == 2 else step + 1}
        new_versions = {k: v for k, v in versions.items() if k in values}
        checkpoint = make_checkpoint(values, versions, step=step)
        head = _head_config(thread_id, parent, parent or "")
        ops.append(("put", head, checkpoint, {"step": step}, new_versions))
        written = config(thread_id, checkpoint_id=checkpoint["id"])
        ops.append(("put_writes", written, [("n", step), ("__error__", "x")], f"task{step}", "p"))
        parent = checkpoint["id"]
        made.append(parent)
    return ops, made


def dump(harness: Harness, thread_id: str) -> list[Any]:
    return [
        (t.config, t.parent_config, t.checkpoint["channel_values"], t.metadata, t.pending_writes)
        for t in harness.list(config(thread_id))
    ]


def test_a_batch_stores_what_the_same_ops_store_one_by_one(harness: Harness) -> None:
    ops, made = chain_ops("a", 8)
    results = harness.batch(ops)
    assert [r["configurable"]["checkpoint_id"] for r in results if r] == made
    for op in chain_ops("b", 8)[0]:
        getattr(harness, op[0])(*op[1:])
    batched, single = dump(harness, "a"), dump(harness, "b")
    assert len(batched) == 8
    assert [row[2:] for row in batched] == [row[2:] for row in single]


def test_a_batch_puts_to_several_threads_at_once(harness: Harness) -> None:
    first, made_first = chain_ops("a", 4)
    second, made_second = chain_ops("b", 4)
    mixed = [op for pair in zip(first, second, strict=True) for op in pair]
    harness.batch(mixed)
    assert [id_of(t.config) for t in harness.list(config("a"))] == made_first[::-1]
    assert [id_of(t.config) for t in harness.list(config("b"))] == made_second[::-1]


def test_a_batch_checks_heads_against_its_own_earlier_puts(harness: Harness) -> None:
    ops, _ = chain_ops("t", 3)
    stale = ops[4]  # the third put, now expecting the head the first put made
    ops[4] = (
        "put",
        _head_config("t", stale[1]["configurable"]["checkpoint_id"], ops[0][2]["id"]),
        *stale[2:],
    )
    with pytest.raises(CheckpointError) as raised:
        harness.batch(ops)
    assert raised.value.code is ErrorCode.CHECKPOINT_CONCURRENT_WRITER
    assert harness.list(config("t")) == []  # the whole transaction rolled back


def test_a_batch_finds_delta_bases_written_earlier_in_it(
    harness: Harness, backend: Any, saver: Any, portal: Any
) -> None:
    ops, made = chain_ops("t", 6)
    saver._lists = ListCache(max_entries=0)  # no cache: every base is read from the table
    harness.batch(ops)
    latest = harness.get_tuple(config("t"))
    assert latest is not None and id_of(latest.config) == made[-1]
    assert latest.checkpoint["channel_values"]["messages"] == ["m" * 500] + [
        f"m{n}" for n in range(1, 6)
    ]
    kinds = {
        info.type
        for (_, channel, _), info in backend.stored_blobs(saver, portal, "t").items()
        if channel == "messages"
    }
    assert DELTA_TYPE in kinds
