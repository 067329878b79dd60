"""Checkpoint and task ids as SQLite keys: 16 bytes for a uuid, in the same order as text.

Every id column of a thread (checkpoint, parent, blob origin, delta base and root, write
and task ids) holds a 36-character uuid text, ~0.7 MB of a 1000-turn thread's 3 MB.
``to_key`` stores a canonical uuid (lowercase, hyphenated) as its 16 bytes, whose
byte order is the text order.  Any other text ``t`` must still sort exactly where its
text does, since ``list`` orders by id and chains are ranges of ids; it is stored as
``P + utf8(t)``, where ``P`` is the 16 bytes of the greatest uuid text below ``t``
(``t`` then sorts after ``P`` and before the next uuid, and two such ids sort by their
text), or as plain text if no uuid text is below ``t`` (SQLite sorts all text before
all blobs).  So the id columns order rows exactly as the texts did, whatever the ids.
"""

from __future__ import annotations

import functools

__all__ = ["to_key", "to_text"]

_HEX = "0123456789abcdef"
_HYPHENS = (8, 13, 18, 23)


def _uuid_bytes(text: str) -> bytes | None:
    """Return the 16 bytes of a canonical uuid text, else None."""
    digits = text.replace("-", "")
    if len(digits) != 32 or len(text) != 36:
        return None
    if text[8] != "-" or text[13] != "-" or text[18] != "-" or text[23] != "-":
        return None
    try:
        data = bytes.fromhex(digits)
    except ValueError:
        return None
    # why: fromhex also takes upper case and skips spaces; only the exact form round-trips
    return data if data.hex() == digits else None


def _greatest_uuid_below(text: str) -> int | None:
    """Return the greatest canonical uuid (as an int) whose text sorts below ``text``."""
    value, digits = 0, 0
    for position, char in enumerate(text[:36]):
        if position in _HYPHENS:
            expected_low = expected_high = "-"
        else:
            expected_low, expected_high = "0", "f"
        digit = _HEX.find(char) if position not in _HYPHENS else -1
        if digit >= 0:
            value, digits = value * 16 + digit, digits + 1
        elif char == "-" and position in _HYPHENS:
            continue
        elif char > expected_high:  # above every uuid with this prefix
            return (value + 1) * 16 ** (32 - digits) - 1
        elif char < expected_low:  # below every uuid with this prefix
            return value * 16 ** (32 - digits) - 1 if value * 16 ** (32 - digits) > 0 else None
        else:  # between "9" and "a": above every uuid whose next digit is at most 9
            return (value * 16 + 10) * 16 ** (31 - digits) - 1
    if len(text) > 36:  # a uuid text followed by more: just above that uuid
        return value
    # a proper prefix of uuid texts sorts below all of them
    return value * 16 ** (32 - digits) - 1 if value * 16 ** (32 - digits) > 0 else None


# why: a step converts its parent's id and its checkpoint's id again (put, put_writes)
@functools.lru_cache(maxsize=1024)
def to_key(text: str) -> bytes | str:
    """Return the stored key of an id (see the module docstring)."""
    data = _uuid_bytes(text)
    if data is not None:
        return data
    below = _greatest_uuid_below(text)
    if below is None:
        return text
    return below.to_bytes(16, "big") + text.encode()


def to_text(key: bytes | str) -> str:
    """Return the id a stored key was made from."""
    if type(key) is str:
        return key
    data = bytes(key)
    if len(data) > 16:
        return data[16:].decode()
    digits = data.hex()
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"
