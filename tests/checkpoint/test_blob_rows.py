"""Delta rows without their repeated base id (checkpoint/_sql/blob_rows.py)."""

from __future__ import annotations

import pytest

from stategraph.checkpoint._delta import DELTA_TYPE, decode_delta, encode_delta
from stategraph.checkpoint._sql.blob_rows import ROW_DELTA_TYPE, pack, unpack

BASE = "1f1e7b58-ae55-65e4-8bb5-5d41ba0a37b9"


def test_a_delta_row_drops_its_base_id_and_reads_back_byte_for_byte() -> None:
    blob = encode_delta(BASE, 12, ("msgpack", b"\x91\xa1x\n\n"))
    row = pack(blob, BASE)
    assert row[0] == ROW_DELTA_TYPE and BASE.encode() not in row[1]
    assert len(row[1]) == len(blob[1]) - len(BASE) - 3
    assert unpack(*row, BASE) == blob
    assert decode_delta(unpack(*row, BASE)).base_length == 12


@pytest.mark.parametrize(
    ("blob", "base"),
    [
        (("msgpack", b"\x90"), None),
        (encode_delta(BASE, 1, ("msgpack", b"\x90")), None),
        (encode_delta(BASE, 1, ("msgpack", b"\x90")), "another-base"),
        (encode_delta('q"uote', 1, ("msgpack", b"\x90")), 'q"uote'),
    ],
)
def test_other_blobs_are_stored_as_they_are(blob: tuple[str, bytes], base: str | None) -> None:
    if base == 'q"uote':  # an escaped id still round-trips
        assert unpack(*pack(blob, base), base) == blob
        return
    assert pack(blob, base) == blob
    assert unpack(*blob, base) == blob


def test_old_delta_rows_read_as_they_are_and_broken_rows_raise() -> None:
    blob = encode_delta(BASE, 1, ("msgpack", b"\x90"))
    assert unpack(DELTA_TYPE, blob[1], BASE) == blob
    with pytest.raises(ValueError):
        unpack(ROW_DELTA_TYPE, b'[1,"msgpack"]\n\x90', None)
    with pytest.raises(ValueError):
        unpack(ROW_DELTA_TYPE, b"1\n", BASE)
