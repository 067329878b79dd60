"""Turn cached values into ``(tag, bytes)`` and back, for the caches that store bytes.

Reading is forgiving on purpose: an entry that cannot be decoded (a class missing from
the serializer's allowlist, a dataclass whose fields changed, corrupt bytes) is
reported with a warning and treated as a miss, so the node simply runs again.
"""

from __future__ import annotations

import warnings
from typing import Any, Final

from ..checkpoint.serde import JsonPlusSerializer
from .base import FullKey

__all__ = ["MISS", "default_serde", "load_value"]

MISS: Final = object()  # sentinel: the stored bytes could not be turned back into a value


def default_serde(serde: Any) -> Any:
    """Return ``serde``, or the strict never-pickle ``JsonPlusSerializer`` when None."""
    return serde if serde is not None else JsonPlusSerializer()


def load_value(serde: Any, full_key: FullKey, tag: str, payload: bytes) -> Any:
    """Decode one stored entry; return ``MISS`` (after a warning) if it cannot be read."""
    try:
        return serde.loads_typed((tag, payload))
    # why: any failure here means "this entry is unusable"; running the node again is
    # always a correct answer for a cache, failing the whole run is not.
    except Exception as exc:
        namespace, key = full_key
        warnings.warn(
            f"Cache entry {key!r} in namespace {namespace!r} could not be read ({exc}); "
            "treating it as a miss, so the node runs again. If the cached writes contain "
            "your own classes, give the cache serde=JsonPlusSerializer(allowed_modules="
            "[...]) naming their modules.",
            RuntimeWarning,
            stacklevel=3,
        )
        return MISS
