"""Graph snapshots as the API's ThreadState, and the thread fields denormalised from them."""

from __future__ import annotations

from typing import Any

from ..types import StateSnapshot
from ._http import to_jsonable

__all__ = ["checkpoint_ref", "snapshot_interrupts", "thread_state"]


def checkpoint_ref(config: dict[str, Any] | None) -> dict[str, Any] | None:
    """Return the API's Checkpoint object for a checkpoint ``config`` (None without an id)."""
    configurable = (config or {}).get("configurable", {})
    if not configurable.get("checkpoint_id"):
        return None
    return {
        "thread_id": configurable.get("thread_id"),
        "checkpoint_ns": configurable.get("checkpoint_ns", ""),
        "checkpoint_id": configurable["checkpoint_id"],
        "checkpoint_map": configurable.get("checkpoint_map"),
    }


def snapshot_interrupts(snapshot: StateSnapshot) -> dict[str, list[Any]]:
    """Return the pending interrupts by task id (the Thread resource's ``interrupts``)."""
    return {
        task.id: to_jsonable(list(task.interrupts)) for task in snapshot.tasks if task.interrupts
    }


def thread_state(snapshot: StateSnapshot) -> dict[str, Any]:
    """Return ``snapshot`` as the API's ThreadState, JSON-ready."""
    return {
        "values": to_jsonable(snapshot.values),
        "next": list(snapshot.next),
        "checkpoint": checkpoint_ref(snapshot.config),
        "metadata": to_jsonable(snapshot.metadata),
        "created_at": snapshot.created_at,
        "parent_checkpoint": checkpoint_ref(snapshot.parent_config),
        "tasks": [_task(task) for task in snapshot.tasks],
        "interrupts": to_jsonable(list(snapshot.interrupts)),
    }


def _error(error: Any) -> str | None:
    if error is None or isinstance(error, str):  # snapshots hold the saved repr
        return error
    return f"{type(error).__name__}: {error}"


def _task(task: Any) -> dict[str, Any]:
    """A ThreadTask.  A subgraph task's ``state`` is the subgraph's ThreadState when the
    snapshot was read with ``subgraphs=True``; otherwise ``checkpoint`` says where it is."""
    nested = task.state if isinstance(task.state, StateSnapshot) else None
    where = task.state.get("configurable") if isinstance(task.state, dict) else None
    return {
        "id": task.id,
        "name": task.name,
        "error": _error(task.error),
        "interrupts": to_jsonable(list(task.interrupts)),
        "checkpoint": None if where is None else to_jsonable(where),
        "state": None if nested is None else thread_state(nested),
        "result": to_jsonable(task.result),
    }
