"""One writer per thread: a second concurrent run on the same (saver, thread) is refused.

Within a process the registry below detects it at once.  Across processes the saver's
compare-and-set on the thread head (``__pregel_expected_head``) detects it at the next commit.
"""

from __future__ import annotations

import threading
from typing import Any

from ..errors import ConcurrentRunError

_lock = threading.Lock()
# Invariant: a key is present exactly while a root run on that thread is between start and exit.
_active: set[tuple[int, str, str]] = set()


def acquire(saver: Any, thread_id: str, ns: str) -> tuple[int, str, str]:
    key = (id(saver), thread_id, ns)
    with _lock:
        if key in _active:
            raise ConcurrentRunError(
                f"Thread {thread_id!r} already has a run in progress on this checkpointer. Two concurrent "
                "runs would fork its history: wait for the first run to finish, or use another thread_id.",
                thread_id=thread_id,
            )
        _active.add(key)
    return key


def release(key: tuple[int, str, str] | None) -> None:
    if key is not None:
        with _lock:
            _active.discard(key)
