"""Delta blobs in SQL rows without the base id their header repeats.

A delta blob (``_delta.encode_delta``) opens with the JSON header ``[base, base length,
items type]``; the base is a 36-character id the row also keeps in ``base_checkpoint_id``
(the chain queries need it there).  ``pack`` stores such a delta as type
``ROW_DELTA_TYPE`` with the header ``[base length, items type]``, and ``unpack`` puts the
id back from the row, byte for byte, so the rest of the savers only see the ``_delta``
form.  Rows of type ``"delta"`` (written before this) keep their full header.
"""

from __future__ import annotations

from json.encoder import encode_basestring_ascii as _ascii

from .. import _delta as delta

__all__ = ["ROW_DELTA_TYPE", "pack", "unpack"]

Typed = tuple[str, bytes]

ROW_DELTA_TYPE = "dr"


def _prefix(base: str) -> bytes:
    # what encode_delta writes before the base length: '["<base>",'
    return b"[" + _ascii(base).encode() + b","


def pack(typed: Typed, base: str | None) -> Typed:
    """Return a blob as its row stores it: a delta on ``base`` without its base id."""
    if typed[0] != delta.DELTA_TYPE or base is None:
        return typed
    prefix = _prefix(base)
    data = bytes(typed[1])
    if not data.startswith(prefix):
        return typed  # why: never drop an id the row would not give back
    return ROW_DELTA_TYPE, b"[" + data[len(prefix) :]


def unpack(type_: str, value: bytes, base: str | None) -> Typed:
    """Return a row's blob in the ``_delta`` form (``_delta`` checks the header)."""
    if type_ != ROW_DELTA_TYPE:
        return type_, value
    data = bytes(value)
    if base is None or not data.startswith(b"["):
        raise ValueError("malformed delta blob row")
    return delta.DELTA_TYPE, _prefix(base) + data[1:]
