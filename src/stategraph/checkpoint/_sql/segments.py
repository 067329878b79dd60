"""Sealed history segments: a thread's older rows packed and compressed in one row.

A 1000-turn chat keeps ~9,000 rows (three checkpoints a turn, each with its writes and
blobs); their keys, skeletons and metadata repeat from row to row and cost more than the
messages.  Once a (thread, namespace) has ``SEGMENT_ROWS + HOT_ROWS`` checkpoint rows,
the put that reaches a step divisible by ``SEGMENT_ROWS`` seals the oldest
``SEGMENT_ROWS`` of them (``seal.py``): their checkpoint, write and blob rows move, in
the put's transaction, into one ``checkpoint_segments`` row, stored as::

    zlib(msgpack [FORMAT, checkpoint rows, write rows, blob rows])

Each row is its table's columns without ``thread_id`` and ``checkpoint_ns`` (the
segment's), values as the table held them.  Plain msgpack only: decoding never builds
an object of a named class, and a bad payload raises E301.  The newest checkpoints stay
in the tables, and so does every blob the newest checkpoint refers to, so a run that
resumes its thread reads no segment; history, time travel and delta chains read them.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import ormsgpack

from ...errors import CheckpointError, ErrorCode

__all__ = [
    "FORMAT",
    "HOT_ROWS",
    "SEGMENT_ROWS",
    "Segment",
    "decode_segment",
    "encode_segment",
]

FORMAT = 1
# why: 64 checkpoints (~21 chat turns) compress to ~1/6 of their table bytes; more gains
# little and makes a cold read decode more.  Tests shrink both to exercise sealing.
SEGMENT_ROWS = 64
HOT_ROWS = 64  # newest checkpoint rows of a scope that are never sealed
_LEVEL = 6
_MAX_BYTES = 1 << 30  # a payload inflating past this is refused, not decoded

CHECKPOINT_WIDTH = 6  # checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata, blob_refs
WRITE_WIDTH = 7  # checkpoint_id, task_id, idx, channel, type, value, task_path
BLOB_WIDTH = 7  # channel, checkpoint_id, version, type, value, base, root
_SCALARS = (str, bytes, int, type(None))


@dataclass(slots=True)
class Segment:
    """The decoded rows of one segment, each row a tuple of its table's columns."""

    checkpoints: list[tuple[Any, ...]]
    writes: list[tuple[Any, ...]]
    blobs: list[tuple[Any, ...]]
    _by_id: dict[Any, tuple[Any, ...]] | None = field(default=None, repr=False)

    def checkpoint(self, key: Any) -> tuple[Any, ...] | None:
        """Return the checkpoint row whose id column is ``key``, if any."""
        if self._by_id is None:
            self._by_id = {row[0]: row for row in self.checkpoints}
        return self._by_id.get(key)

    def writes_of(self, key: Any) -> list[tuple[Any, ...]]:
        """Return the write rows of checkpoint ``key``."""
        return [row for row in self.writes if row[0] == key]


def encode_segment(
    checkpoints: Sequence[Sequence[Any]], writes: Sequence[Sequence[Any]], blobs: Sequence[Sequence[Any]]
) -> bytes:
    """Pack rows read from the tables into a segment payload."""
    try:  # why: the drivers return bytes, str, int and None; rows pack as they are
        packed = ormsgpack.packb([FORMAT, checkpoints, writes, blobs])
    except TypeError:  # a driver returned memoryview (or another buffer) for a BLOB
        packed = ormsgpack.packb([FORMAT, *([list(map(_plain, row)) for row in rows]
                                            for rows in (checkpoints, writes, blobs))])  # fmt: skip
    return zlib.compress(packed, _LEVEL)


def _plain(value: Any) -> Any:
    return bytes(value) if isinstance(value, (memoryview, bytearray)) else value


def decode_segment(payload: Any, where: str) -> Segment:
    """Unpack a segment payload; anything malformed raises E301 naming ``where``."""
    try:
        inflater = zlib.decompressobj()
        data = inflater.decompress(bytes(payload), _MAX_BYTES)
        if inflater.unconsumed_tail or not inflater.eof:
            raise ValueError("the payload is truncated or inflates past the limit")
        top = ormsgpack.unpackb(data)
        if type(top) is not list or len(top) != 4 or top[0] != FORMAT:
            raise ValueError("not a segment of a known format")
        return Segment(
            _rows(top[1], CHECKPOINT_WIDTH), _rows(top[2], WRITE_WIDTH), _rows(top[3], BLOB_WIDTH)
        )
    except (zlib.error, ValueError, TypeError, ormsgpack.MsgpackDecodeError) as exc:
        raise CheckpointError(
            f"The sealed history segment of {where} is corrupt ({exc}); it cannot be read. "
            "Restore the database from a backup, or delete the thread to start it afresh.",
            code=ErrorCode.CHECKPOINT_CORRUPT,
        ) from exc


def _rows(rows: Any, width: int) -> list[tuple[Any, ...]]:
    if type(rows) is not list:
        raise ValueError("rows are not a list")
    out = []
    for row in rows:
        if type(row) is not list or len(row) != width:
            raise ValueError(f"a row has not {width} columns")
        if not all(isinstance(value, _SCALARS) for value in row):
            raise ValueError("a column holds something other than text, bytes or an integer")
        out.append(tuple(row))
    return out
