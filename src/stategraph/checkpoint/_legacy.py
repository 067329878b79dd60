"""LangGraph's deprecated checkpoint helpers, kept so old imports from ``checkpoint.base`` work.

The engine does not use them: it builds its checkpoints itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from ..errors import EmptyChannelError
from ._ids import uuid6

__all__ = ["LATEST_VERSION", "create_checkpoint", "get_serializable_checkpoint_metadata"]

LATEST_VERSION = 2  # the format version these helpers stamp, as LangGraph's do


def create_checkpoint(
    checkpoint: Mapping[str, Any],
    channels: Mapping[str, Any] | None,
    step: int,
    *,
    id: str | None = None,
) -> dict[str, Any]:
    """A new checkpoint with ``checkpoint``'s versions and the values of ``channels`` (if given).

    Only channels that ``checkpoint`` has a version for are read; empty ones are left out.

    Examples:
        >>> from stategraph.channels import LastValue
        >>> from stategraph.checkpoint.base import create_checkpoint, empty_checkpoint
        >>> base = empty_checkpoint()
        >>> base["channel_versions"]["x"] = 1
        >>> x = LastValue(int)
        >>> _ = x.update([5])
        >>> create_checkpoint(base, {"x": x, "y": LastValue(int)}, step=1)["channel_values"]
        {'x': 5}
    """
    if channels is None:
        values = dict(checkpoint["channel_values"])  # a copy: editing the new one keeps the old
    else:
        values = {}
        for name, channel in channels.items():
            if name not in checkpoint["channel_versions"]:
                continue
            if hasattr(channel, "is_available") and not channel.is_available():
                continue
            try:
                values[name] = channel.checkpoint()
            except EmptyChannelError:
                pass
    return {
        "v": LATEST_VERSION,
        "ts": datetime.now(UTC).isoformat(),
        "id": id or str(uuid6(clock_seq=step)),
        "channel_values": values,
        "channel_versions": dict(checkpoint["channel_versions"]),
        "versions_seen": {k: dict(v) for k, v in checkpoint["versions_seen"].items()},
        "pending_sends": list(checkpoint.get("pending_sends", [])),
        "updated_channels": None,
    }


def get_serializable_checkpoint_metadata(
    config: Mapping[str, Any], metadata: Mapping[str, Any]
) -> Any:
    """``get_checkpoint_metadata`` without the old ``writes`` key.

    Examples:
        >>> from stategraph.checkpoint.base import get_serializable_checkpoint_metadata
        >>> config = {"configurable": {"thread_id": "t1", "user": "ann"}}
        >>> metadata = {"source": "loop", "step": 2, "writes": {"node": {"x": 1}}}
        >>> get_serializable_checkpoint_metadata(config, metadata)
        {'source': 'loop', 'step': 2, 'user': 'ann'}
    """
    from .base import get_checkpoint_metadata

    merged = get_checkpoint_metadata(config, metadata)
    merged.pop("writes", None)
    return merged
