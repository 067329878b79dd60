"""Node inputs kept current between steps, so a node reading a wide state costs one dict copy.

A node's input is the dict of its ``channels`` that hold a value.  Re-reading 200 channels one by
one for every task dominated steps on wide states; a ``StateViews`` keeps, per channel list, that
dict up to date instead: ``apply_writes`` reports the channels a step may have changed
(``touch``), and a read copies the kept dict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..channels._single import SingleValueChannel
from ..channels.base import MISSING, BaseChannel

# Below this many keys, reading the channels directly is cheaper than keeping a view.
MIN_KEYS = 8

_KEEPABLE: dict[type, bool] = {}


def _is_keepable(cls: type) -> bool:
    """Whether ``cls`` holds its whole state in ``value`` and changes only through ``update``."""
    keepable = _KEEPABLE.get(cls)
    if keepable is None:
        keepable = _KEEPABLE[cls] = (
            getattr(cls, "get", None) is SingleValueChannel.get
            and getattr(cls, "is_available", None) is SingleValueChannel.is_available
            and getattr(cls, "consume", None) is BaseChannel.consume
            and getattr(cls, "finish", None) is BaseChannel.finish
        )
    return keepable


class _View:
    __slots__ = ("keys", "values", "stale")

    def __init__(self, keys: frozenset[str]) -> None:
        self.keys = keys
        self.values: dict[str, Any] = {}
        self.stale = True  # rebuild (in select order) before the next read


class StateViews:
    """The kept input dicts of one run's channels, one per distinct channel list."""

    __slots__ = ("channels", "views")

    def __init__(self, channels: Mapping[str, BaseChannel]) -> None:
        # Invariant: a non-stale view's values equal read_channels(channels, select) for its select
        self.channels = channels
        self.views: dict[int, tuple[Sequence[str], _View | None]] = {}

    def read(self, select: Sequence[str]) -> dict[str, Any] | None:
        """A fresh copy of the input dict for ``select``, or None if it cannot be kept."""
        entry = self.views.get(id(select))
        if entry is None or entry[0] is not select:
            entry = self.views[id(select)] = (select, self._new_view(select))
        view = entry[1]
        if view is None:
            return None
        if view.stale:
            channels = self.channels
            view.values = {k: v for k in select if (v := channels[k].value) is not MISSING}  # type: ignore[attr-defined]
            view.stale = False
        return dict(view.values)

    def _new_view(self, select: Sequence[str]) -> _View | None:
        channels = self.channels
        for k in select:
            ch = channels.get(k)
            if ch is None or not _is_keepable(ch.__class__):
                return None  # a managed value or a channel with its own read logic
        return _View(frozenset(select))

    def touch(self, written: Iterable[str], expired: Iterable[str] | None) -> None:
        """Refresh the views after a step that updated ``written`` and may have expired ``expired``.

        ``expired`` None means any channel may have changed.
        """
        channels = self.channels
        for _, view in self.views.values():
            if view is None or view.stale:
                continue
            if expired is None:
                view.stale = True
                continue
            values, keys = view.values, view.keys
            for source in (written, expired):
                for ch in source:
                    if ch in keys:
                        v = channels[ch].value  # type: ignore[attr-defined]
                        if v is MISSING:
                            values.pop(ch, None)
                        elif ch in values:
                            values[ch] = v
                        else:
                            view.stale = True  # a key (re)appears: rebuild to keep select order
