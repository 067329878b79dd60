"""Error-handler tasks: when a node with ``error_handler`` fails, its handler runs in the same step.

The graph side (``graph/_error_handlers.py``) builds the handler nodes; this module plans their
tasks for the loop, and reads back a failure recorded before a crash so a resumed step runs
the handler instead of the node (as LangGraph does).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..constants import ERROR, INTERRUPT, NO_WRITES, PUSH, RESUME
from ..errors import GraphBubbleUp, NodeError
from ._algo import is_finished
from ._events import error_from_record
from ._task import Task

if TYPE_CHECKING:
    from ._loop import PregelLoop

__all__ = ["run_handlers", "handler_tasks", "restore_failure"]

_CONTROL = (NO_WRITES, ERROR, INTERRUPT, RESUME)


def run_handlers(loop: PregelLoop, tasks: list[Task]) -> Any:
    """The loop's step effect: run the handlers of the nodes that failed (none: no effect)."""
    handlers = [h for h in handler_tasks(loop, tasks) if not h.done]
    if handlers:
        yield ("run", handlers)


def handler_tasks(loop: PregelLoop, tasks: list[Task]) -> list[Task]:
    """A task for the error handler of each node that failed this step (appended to ``tasks``).

    The failed task is marked handled and loses its writes: the handler's update replaces its
    own and its edges are not followed.  A handler that already finished (saved writes from
    before a crash) comes back done, with those writes.
    """
    handlers = []
    for t in list(tasks):
        err, name = t.error, t.node.error_handler
        if err is None or name is None or isinstance(err, GraphBubbleUp) or not isinstance(err, Exception):
            continue
        # LangGraph's path: right after the failed task's, so its writes apply in that place
        path = (*t.path[:3], "node_error_handler", False)
        handler = Task(loop, loop.graph.nodes[name], name, t.input, path, (PUSH,), loop.step)
        # a failure read back from saved writes is handed over as its repr (LangGraph too)
        handler.node_error = NodeError(t.name, repr(err) if t.restored_error else err)  # type: ignore[arg-type]
        saved = [(ch, v) for tid, ch, v in loop.pending_writes if tid == handler.id]
        if saved and is_finished(saved):
            handler.writes = [(ch, v) for ch, v in saved if ch not in _CONTROL]
            handler.done = True
        t.handled, t.writes = True, []
        handlers.append(handler)
        tasks.append(handler)
    return handlers


def restore_failure(task: Task, writes: list[tuple[str, Any]]) -> bool:
    """On resume: a recorded failure of a node with an error handler marks its task failed
    (its handler runs, not the node); returns whether it did."""
    if task.node.error_handler is None:
        return False
    failed = [v for ch, v in writes if ch == ERROR]
    if not failed:
        return False
    task.error, task.done, task.restored_error = error_from_record(failed[-1]), True, True
    return True
