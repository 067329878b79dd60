"""The blob refs of the newest checkpoint each scope committed through this saver.

A ``put`` extends its parent's refs.  When the parent is the checkpoint this saver
committed last for that (thread, namespace), its refs are known here, so the put need
not read them back: Postgres then commits a whole step in one round trip.  Refs of a
checkpoint never change once committed, and a put consults this only when it also checks
that its parent is still the head (``_head.expected_head``), so a thread deleted or moved
on by another process makes that check fail instead of trusting a stale entry.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["HeadRefs"]

Scope = tuple[str, str]  # (thread_id, checkpoint_ns)


class HeadRefs:
    """Per scope, the newest committed checkpoint id and its refs (bounded, LRU)."""

    def __init__(self, max_scopes: int = 4096) -> None:
        self.max_scopes = max_scopes
        self._by_scope: OrderedDict[Scope, tuple[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, thread_id: str, checkpoint_ns: str, checkpoint_id: str) -> Any:
        """The refs of ``checkpoint_id`` if it is the newest this saver committed, or None."""
        found = self._by_scope.get((thread_id, checkpoint_ns))
        return found[1] if found is not None and found[0] == checkpoint_id else None

    def remember(self, committed: Mapping[tuple[str, str, str], Any]) -> None:
        """Record the refs of checkpoints just committed, keyed (thread, ns, id)."""
        with self._lock:
            for (thread_id, checkpoint_ns, checkpoint_id), refs in committed.items():
                scope = (thread_id, checkpoint_ns)
                found = self._by_scope.get(scope)
                if found is None or found[0] < checkpoint_id:
                    self._by_scope[scope] = (checkpoint_id, refs)
                    self._by_scope.move_to_end(scope)
            while len(self._by_scope) > self.max_scopes:
                self._by_scope.popitem(last=False)

    def drop_threads(self, thread_ids: Iterable[str]) -> None:
        """Forget every scope of ``thread_ids`` (deleted, pruned or rewritten)."""
        gone = set(thread_ids)
        with self._lock:
            for scope in [s for s in self._by_scope if s[0] in gone]:
                del self._by_scope[scope]
