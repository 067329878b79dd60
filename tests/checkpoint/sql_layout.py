"""What the SQL savers store per value, read back from their tables (for the backends' tests).

A value is a blob row or, if small, an entry of its checkpoint's refs (``_refs``); a delta
row of type ``"dr"`` reads as the ``_delta`` blob it packs (``_sql/blob_rows``).  Rows
sealed into history segments (``_sql/segments``) count as the rows they hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from stategraph.checkpoint import _records as records
from stategraph.checkpoint._sql.blob_rows import unpack
from stategraph.checkpoint._sql.id_keys import to_text
from stategraph.checkpoint._sql.segments import decode_segment

from .conformance import StoredBlobInfo

BLOB_ROWS = (
    "SELECT checkpoint_ns, channel, checkpoint_id, type, value, base_checkpoint_id "
    "FROM checkpoint_blobs WHERE thread_id = {p}"
)
REF_ROWS = (
    "SELECT checkpoint_ns, checkpoint_id, parent_checkpoint_id, blob_refs "
    "FROM checkpoints WHERE thread_id = {p}"
)

SEGMENT_ROWS = "SELECT checkpoint_ns, payload FROM checkpoint_segments WHERE thread_id = {p}"


def with_sealed(
    blob_rows: Iterable[Any], ref_rows: Iterable[Any], segment_rows: Iterable[Any]
) -> tuple[list[Any], list[Any]]:
    """Add the blob and ref rows held in segments to the tables' rows (tables' rows win)."""
    blobs, refs = list(blob_rows), list(ref_rows)
    for ns, payload in segment_rows:
        segment = decode_segment(payload, "a test")
        blobs = [
            (ns, ch, origin, type_, value, base)
            for ch, origin, _, type_, value, base, _ in segment.blobs
        ] + blobs
        refs = [(ns, row[0], row[1], row[5]) for row in segment.checkpoints] + refs
    return blobs, refs


def _maybe_text(key: Any) -> Any:
    # SQLite stores ids as id_keys keys, Postgres as text (which to_text returns as is)
    return None if key is None else to_text(key)


def stored_values(
    blob_rows: Iterable[Any], ref_rows: Iterable[Any]
) -> dict[tuple[str, str, str], StoredBlobInfo]:
    """Describe every stored value by (namespace, channel, origin checkpoint id)."""
    found = {}
    for ns, checkpoint_key, parent_key, text in ref_rows:
        checkpoint_id, parent_id = to_text(checkpoint_key), _maybe_text(parent_key)
        for channel, ref in records.decode_refs(text, checkpoint_id, parent_id).items():
            if ref.inline is not None:
                found[(ns, channel, ref.origin)] = StoredBlobInfo(
                    ref.inline[0], len(ref.inline[1]), None
                )
    for ns, channel, origin_key, type_, value, base_key in blob_rows:
        origin, base = to_text(origin_key), _maybe_text(base_key)
        typed = unpack(type_, value if value is not None else b"", base)
        found[(ns, channel, origin)] = StoredBlobInfo(typed[0], len(typed[1]), base)
    return found
