"""Frozen skeletons (checkpoint/_frozen.py): kept as data, as deltas on a base, copied on read."""

from __future__ import annotations

from typing import Any

from stategraph.checkpoint import _frozen
from stategraph.checkpoint._frozen import DELTA_SLOT, MAX_DEPTH, freeze, thaw


def _checkpoint(
    step: int, versions: dict[str, int], seen: dict[str, dict[str, int]]
) -> dict[str, Any]:
    return {
        "v": 4,
        "id": f"id-{step:04d}",
        "ts": "2026-11-24T05:00:00+00:00",
        "channel_values": {"x": step},
        "channel_versions": dict(versions),
        "versions_seen": dict(seen),
        "updated_channels": ["x"],
    }


def _whole(checkpoint: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in checkpoint.items() if k != "channel_values"}


def _chain(steps: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(kept skeleton, whole skeleton) of ``steps`` puts, each a delta on the one before."""
    versions: dict[str, int] = {"__start__": 1}
    seen: dict[str, dict[str, int]] = {"__start__": {"__start__": 0}}
    out: list[tuple[dict[str, Any], dict[str, Any]]] = []
    base = None
    for step in range(steps):
        channel, node = f"branch:to:n{step}", f"n{step}"
        new_versions = {"x": step + 2, channel: step + 2}  # new keys last, in order
        versions.update(new_versions)
        changed = {node: {channel: step + 1}}
        seen.update(changed)
        checkpoint = _checkpoint(step, versions, seen)
        kept = freeze(checkpoint, base, new_versions, changed)
        out.append((kept, _whole(checkpoint)))
        base = kept
    return out


def test_without_a_base_the_skeleton_is_kept_whole_without_values() -> None:
    checkpoint = _checkpoint(1, {"x": 1}, {"n": {"x": 1}})
    kept = freeze(checkpoint)
    assert kept == _whole(checkpoint) and DELTA_SLOT not in kept
    assert kept["versions_seen"]["n"] is checkpoint["versions_seen"]["n"]  # shared, not copied


def test_a_delta_keeps_only_the_changes_and_reads_back_whole_in_order() -> None:
    for kept, whole in _chain(3 * MAX_DEPTH):
        read = thaw(kept)
        assert read == whole and list(read) == list(whole)
        for key in ("channel_versions", "versions_seen"):
            assert list(read[key].items()) == list(whole[key].items())
    last, _ = _chain(2)[-1]
    assert last["channel_versions"] == {"x": 3, "branch:to:n1": 3}
    assert last["versions_seen"] == {"n1": {"branch:to:n1": 2}}


def test_a_whole_skeleton_is_kept_every_max_depth_puts() -> None:
    depths = [kept[DELTA_SLOT][1] if DELTA_SLOT in kept else 0 for kept, _ in _chain(40)]
    assert depths[: MAX_DEPTH + 2] == [0, *range(1, MAX_DEPTH + 1), 0]
    assert max(depths) == MAX_DEPTH


def test_reads_are_copies_the_store_never_shares() -> None:
    kept, whole = _chain(3)[-1]
    read = thaw(kept)
    read["channel_versions"]["x"] = 99
    read["versions_seen"]["n2"]["branch:to:n2"] = 99
    read["versions_seen"]["n0"]["branch:to:n0"] = 99  # an entry that lives in the base
    read["updated_channels"].append("y")
    assert thaw(kept) == whole


def test_is_frozen_reads_the_engine_promise() -> None:
    assert _frozen.is_frozen({"configurable": {_frozen.FROZEN_KEY: True}})
    assert not _frozen.is_frozen({"configurable": {}})
    assert not _frozen.is_frozen({})
