"""``create_checkpoint``: a new checkpoint from a previous one and the live channels.

Re-exported by ``stategraph.checkpoint.base`` (LangGraph's home for it); savers and tools
that build checkpoints by hand use it, the engine has its own path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import EmptyChannelError
from ._ids import uuid6

if TYPE_CHECKING:
    from .base import Checkpoint

__all__ = ["create_checkpoint"]


def create_checkpoint(
    checkpoint: Checkpoint, channels: Mapping[str, Any] | None, step: int, *, id: str | None = None
) -> Checkpoint:
    """Return a new checkpoint for ``step``: ``checkpoint``'s versions with the channels' values.

    Only channels that have a version in ``checkpoint`` are stored, and empty ones are left
    out; with ``channels=None`` the values are copied from ``checkpoint``.  The id is a fresh
    uuid6 unless ``id`` is given.

        >>> from stategraph.channels import LastValue
        >>> from stategraph.checkpoint.base import empty_checkpoint
        >>> base = empty_checkpoint()
        >>> base["channel_versions"]["x"] = 1
        >>> x = LastValue(int)
        >>> _ = x.update([5])
        >>> create_checkpoint(base, {"x": x, "y": LastValue(int)}, step=1)["channel_values"]
        {'x': 5}
    """
    from .base import empty_checkpoint

    fresh = empty_checkpoint()
    if channels is None:
        values = dict(checkpoint["channel_values"])
    else:
        values = {}
        for name, channel in channels.items():
            if name not in checkpoint["channel_versions"]:
                continue
            try:
                values[name] = channel.checkpoint()
            except EmptyChannelError:
                pass
    fresh.update(
        id=id or str(uuid6(clock_seq=step)),
        channel_values=values,
        channel_versions=checkpoint["channel_versions"],
        versions_seen=checkpoint["versions_seen"],
        updated_channels=None,
    )
    return fresh
