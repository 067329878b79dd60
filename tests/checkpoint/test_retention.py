"""Which checkpoints prune keeps (pure rule shared by every backend)."""

from __future__ import annotations

import pytest

from stategraph.checkpoint._retention import CheckpointNode, keep_count, select_kept, with_bases
from stategraph.errors import CheckpointError


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
