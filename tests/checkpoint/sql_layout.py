"""What the SQL savers store per value, read back from their tables (for the backends' tests).

A value is a blob row or, if small, an entry of its checkpoint's refs (``_refs``); a delta
row of type ``"dr"`` reads as the ``_delta`` blob it packs (``_sql/blob_rows``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from stategraph.checkpoint import _records as records
from stategraph.checkpoint._sql.blob_rows import unpack

from .conformance import StoredBlobInfo

BLOB_ROWS = (
    "SELECT checkpoint_ns, channel, checkpoint_id, type, value, base_checkpoint_id "
    "FROM checkpoint_blobs WHERE thread_id = {p}"
)
REF_ROWS = (
    "SELECT checkpoint_ns, checkpoint_id, parent_checkpoint_id, blob_refs "
    "FROM checkpoints WHERE thread_id = {p}"
)


def stored_values(
    blob_rows: Iterable[Any], ref_rows: Iterable[Any]
) -> dict[tuple[str, str, str], StoredBlobInfo]:
    """Describe every stored value by (namespace, channel, origin checkpoint id)."""
    found = {}
    for ns, checkpoint_id, parent_id, text in ref_rows:
        for channel, ref in records.decode_refs(text, checkpoint_id, parent_id).items():
            if ref.inline is not None:
                found[(ns, channel, ref.origin)] = StoredBlobInfo(ref.inline[0], len(ref.inline[1]), None)
    for ns, channel, origin, type_, value, base in blob_rows:
        typed = unpack(type_, value if value is not None else b"", base)
        found[(ns, channel, origin)] = StoredBlobInfo(typed[0], len(typed[1]), base)
    return found
