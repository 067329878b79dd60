"""History segment payloads: rows round-trip, and bad bytes are refused with E301."""

from __future__ import annotations

import zlib

import ormsgpack
import pytest

from stategraph.checkpoint._sql.segments import FORMAT, decode_segment, encode_segment
from stategraph.errors import CheckpointError, ErrorCode

CHECKPOINT = (b"\x01" * 16, None, "sk1", b"\x90", '{"step":1}', "[]")
WRITE = (b"\x01" * 16, b"\x02" * 16, 0, "messages", "msgpack", b"\xc0", "~reply")
BLOB = ("messages", b"\x01" * 16, "3", "dr", b"[1]", b"\x00" * 16, None)


def test_rows_round_trip_exactly() -> None:
    segment = decode_segment(encode_segment([CHECKPOINT], [WRITE], [BLOB]), "t")
    assert (segment.checkpoints, segment.writes, segment.blobs) == ([CHECKPOINT], [WRITE], [BLOB])
    assert segment.checkpoint(CHECKPOINT[0]) == CHECKPOINT
    assert segment.checkpoint(b"\x09" * 16) is None
    assert segment.writes_of(CHECKPOINT[0]) == [WRITE]


def test_memoryview_columns_are_stored_as_bytes() -> None:
    row = (memoryview(b"\x01" * 16), *CHECKPOINT[1:])
    assert decode_segment(encode_segment([row], [], []), "t").checkpoints == [CHECKPOINT]


def _payload(top: object) -> bytes:
    return zlib.compress(ormsgpack.packb(top))


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(encode_segment([CHECKPOINT], [WRITE], [BLOB])[:-4], id="truncated"),
        pytest.param(b"not zlib", id="not-zlib"),
        pytest.param(_payload([FORMAT + 1, [], [], []]), id="unknown-format"),
        pytest.param(_payload([FORMAT, [list(CHECKPOINT[:3])], [], []]), id="short-row"),
        pytest.param(_payload([FORMAT, [], [[1.5, 2, 3, 4, 5, 6, 7]], []]), id="float-column"),
        pytest.param(_payload([FORMAT, [], [], [[{"x": 1}] * 7]]), id="map-column"),
        pytest.param(_payload({"rows": []}), id="not-a-list"),
    ],
)
def test_a_bad_payload_is_refused_naming_the_scope(payload: bytes) -> None:
    with pytest.raises(CheckpointError) as info:
        decode_segment(payload, "thread 't', namespace ''")
    assert info.value.code is ErrorCode.CHECKPOINT_CORRUPT
    assert "thread 't'" in str(info.value)
