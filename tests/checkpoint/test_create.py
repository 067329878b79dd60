"""create_checkpoint: a new checkpoint from a previous one and live channels."""

from __future__ import annotations

from stategraph.channels import BinaryOperatorAggregate, LastValue
from stategraph.checkpoint.base import create_checkpoint, empty_checkpoint


def previous():
    cp = empty_checkpoint()
    cp["channel_versions"].update(x=2, total=1)
    cp["versions_seen"]["node"] = {"x": 1}
    cp["channel_values"]["x"] = "old"
    return cp


def test_values_come_from_versioned_non_empty_channels() -> None:
    x, total, untracked = (
        LastValue(str),
        BinaryOperatorAggregate(int, lambda a, b: a + b),
        LastValue(str),
    )
    x.update(["new"])
    total.update([3, 4])
    untracked.update(["ignored"])
    cp = create_checkpoint(
        previous(), {"x": x, "total": total, "other": untracked, "empty": LastValue(int)}, step=3
    )
    assert cp["channel_values"] == {"x": "new", "total": 7}
    assert cp["channel_versions"] == {"x": 2, "total": 1} and cp["versions_seen"] == {
        "node": {"x": 1}
    }
    assert cp["updated_channels"] is None and cp["v"] == empty_checkpoint()["v"]


def test_without_channels_the_values_are_copied() -> None:
    base = previous()
    cp = create_checkpoint(base, None, step=1)
    assert cp["channel_values"] == {"x": "old"}
    cp["channel_values"]["x"] = "changed"
    assert base["channel_values"]["x"] == "old"


def test_ids_are_fresh_and_time_ordered_unless_given() -> None:
    base = previous()
    first, second = create_checkpoint(base, None, 1), create_checkpoint(base, None, 2)
    assert first["id"] != base["id"] and first["id"] < second["id"]
    assert create_checkpoint(base, None, 1, id="fixed")["id"] == "fixed"
