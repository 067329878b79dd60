"""The context variable that tells helpers (get_config, interrupt, @task) which task is running."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

CURRENT_TASK: ContextVar[Any] = ContextVar("stategraph_task", default=None)


def current_task(caller: str) -> Any:
    """Return the running task, or raise RuntimeError naming ``caller``."""
    task = CURRENT_TASK.get()
    if task is None:
        from ..errors import ErrorCode, coded

        raise coded(
            RuntimeError,
            f"{caller}() was called outside of a running graph: call it from inside a node, "
            "a task or an entrypoint while the graph runs (invoke/stream).",
            ErrorCode.RUN_OUTSIDE_CONTEXT,
        )
    return task
