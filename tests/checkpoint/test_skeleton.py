"""The compact checkpoint skeleton codec (checkpoint/_skeleton.py)."""

from __future__ import annotations

from typing import Any

import ormsgpack
import pytest

from stategraph.checkpoint._ids import new_checkpoint_id
from stategraph.checkpoint._skeleton import decode_skeleton, encode_skeleton


def _skeleton(**changes: Any) -> dict[str, Any]:
    checkpoint = {
        "v": 4,
        "id": new_checkpoint_id(3),
        "ts": "2026-11-24T03:17:13.057930+00:00",
        "channel_versions": {"__start__": 2, "messages": 3, "branch:to:reply": 3},
        "versions_seen": {"__input__": {}, "__start__": {"__start__": 1}, "reply": {"branch:to:reply": 2}},
        "updated_channels": ["messages"],
    }  # fmt: skip
    checkpoint.update(changes)
    return checkpoint


def _round_trip(checkpoint: dict[str, Any]) -> dict[str, Any]:
    data = encode_skeleton({**checkpoint, "channel_values": {"ignored": 1}})
    assert data is not None
    return decode_skeleton(checkpoint["id"], data)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"ts": "2026-11-24T03:17:13+00:00"},  # isoformat drops a zero fraction
        {"ts": "2026-11-24T03:17:13.000000+00:00"},  # ...so this text is kept as text
        {"ts": "2026-11-24 03:17:13Z"},
        {"ts": "1969-12-31T23:59:59.999999+00:00"},
        {"id": "custom-id", "ts": "2026-11-24T03:17:13.5+00:00"},
        {"id": "custom-id"},
        {"channel_versions": {"a": "00000001.0.5", "b": 1.5}, "updated_channels": None},
        {"versions_seen": {}, "updated_channels": []},
    ],
)
def test_skeletons_decode_to_what_was_encoded(changes: dict[str, Any]) -> None:
    checkpoint = _skeleton(**changes)
    decoded = _round_trip(checkpoint)
    assert decoded == checkpoint
    assert list(decoded) == list(checkpoint)  # same key order as the serde's dict
    assert all(type(decoded[key]) is type(checkpoint[key]) for key in checkpoint)


def test_the_timestamp_and_id_are_not_stored_as_text() -> None:
    checkpoint = _skeleton()
    data = encode_skeleton(checkpoint)
    assert data is not None and len(data) < 120  # the serde took ~240
    assert checkpoint["id"].encode() not in data and b"2026" not in data


@pytest.mark.parametrize(
    "changes",
    [
        {"extra": 1},
        {"channel_versions": {"a": (1, 2)}},
        {"channel_versions": {"a": 2**70}},
        {"versions_seen": {"n": {1: 2}}},
        {"v": True},
        {"updated_channels": ("a",)},
    ],
)
def test_what_the_codec_cannot_represent_exactly_falls_back(changes: dict[str, Any]) -> None:
    assert encode_skeleton(_skeleton(**changes)) is None


def test_a_missing_key_falls_back() -> None:
    checkpoint = _skeleton()
    del checkpoint["updated_channels"]
    assert encode_skeleton(checkpoint) is None


@pytest.mark.parametrize(
    "data",
    [
        b"",
        ormsgpack.packb([4, 0, {}, {}]),
        ormsgpack.packb([4, 0.5, {}, {}, None]),
        ormsgpack.packb([4, 0, {}, {"n": 1}, None]),
        ormsgpack.packb([4, 0, [], {}, None]),
        ormsgpack.packb([4, 0, {}, {}, "a"]),
        b"\x95\x04\x00\x80\x80\xd4\x01\x00",  # an extension type is never decoded
    ],
)
def test_malformed_skeletons_raise_value_error(data: bytes) -> None:
    with pytest.raises(ValueError):
        decode_skeleton("id", data)
