"""Payloads of the updates / tasks / debug / checkpoints stream modes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..constants import CONF, ERROR, INTERRUPT, NO_WRITES, RESERVED_WRITES, RETURN, TASKS

if TYPE_CHECKING:
    from ._loop import PregelLoop
    from ._task import Task


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat()


def task_update(loop: PregelLoop, task: Task) -> Any:
    """The ``updates`` payload of one task: its writes to stream channels (None if none)."""
    if task.node.update_mode == "return":
        for ch, v in task.writes:
            if ch == RETURN:
                return v
        return None
    allowed = loop.graph.stream_channels_set
    writes = [(ch, v) for ch, v in task.writes if ch in allowed]
    if not writes:
        return None
    single = loop.graph.single_output
    if single is not None:
        return writes[-1][1] if writes[-1][0] == single else None
    counts: dict[str, int] = {}
    for ch, _ in writes:
        counts[ch] = counts.get(ch, 0) + 1
    if any(c > 1 for c in counts.values()):
        return [{ch: v} for ch, v in writes]
    return dict(writes)


def emit_updates(loop: PregelLoop, task: Task) -> None:
    payload: dict[str, Any] = {task.name: task_update(loop, task)}
    if task.cached:
        payload["__metadata__"] = {"cached": True}
    loop.sink.emit("updates", payload)


def _task_start_payload(task: Task) -> dict[str, Any]:
    return {"id": task.id, "name": task.name, "input": task.input, "triggers": list(task.triggers)}


def _task_result_payload(loop: PregelLoop, task: Task) -> dict[str, Any]:
    err = task.error
    error = None if err is None or err.__class__.__name__ == "GraphInterrupt" else repr(err)
    result: Any = [(ch, v) for ch, v in task.writes if ch not in RESERVED_WRITES or ch == RETURN]
    if err is None:
        allowed = loop.graph.stream_channels_set
        result = {ch: v for ch, v in task.writes if ch in allowed or ch == RETURN}
    return {
        "id": task.id,
        "name": task.name,
        "error": error,
        "interrupts": list(task.interrupts),
        "result": result,
    }


def emit_task_start(loop: PregelLoop, task: Task) -> None:
    if task.node.hidden:
        return
    payload = _task_start_payload(task)
    if loop.sink.wants("tasks"):
        loop.sink.emit("tasks", payload)
    if loop.sink.wants("debug"):
        loop.sink.emit("debug", {"step": task.step, "timestamp": _now(), "type": "task", "payload": payload})


def emit_task_result(loop: PregelLoop, task: Task) -> None:
    if task.node.hidden:
        return
    payload = _task_result_payload(loop, task)
    if loop.sink.wants("tasks"):
        loop.sink.emit("tasks", payload)
    if loop.sink.wants("debug"):
        loop.sink.emit("debug", {"step": task.step, "timestamp": _now(), "type": "task_result", "payload": payload})


def emit_checkpoint(loop: PregelLoop, tasks: list[Task]) -> None:
    if loop.saver is None:
        return
    conf = loop.checkpoint_config.get(CONF, {})
    parent = loop.parent_checkpoint_config
    payload = {
        "config": _public_config(loop, conf),
        "parent_config": _public_config(loop, parent.get(CONF, {})) if parent else None,
        "values": loop.graph.map_output_values(loop.read_stream_values()),
        # nested dicts copied too: an in-memory saver may keep this very metadata (LIVE_KEY)
        "metadata": {k: dict(v) if type(v) is dict else v for k, v in loop.checkpoint_metadata.items()},
        "next": [t.name for t in tasks],
        "tasks": [
            {"id": t.id, "name": t.name, "interrupts": [], "state": None}
            for t in tasks
        ],
    }
    if loop.sink.wants("checkpoints"):
        loop.sink.emit("checkpoints", payload)
    if loop.sink.wants("debug"):
        step = loop.step - 1
        loop.sink.emit("debug", {"step": step, "timestamp": _now(), "type": "checkpoint", "payload": payload})


def _public_config(loop: PregelLoop, conf: dict[str, Any]) -> dict[str, Any]:
    out = {"thread_id": conf.get("thread_id", loop.thread_id), "checkpoint_ns": conf.get("checkpoint_ns", "")}
    if conf.get("checkpoint_id"):
        out["checkpoint_id"] = conf["checkpoint_id"]
    return {CONF: out}


def error_record(err: BaseException) -> dict[str, Any]:
    """What an ERROR pending write stores: never the exception object itself (no pickling)."""
    return {"type": type(err).__name__, "message": str(err)}


def error_from_record(value: Any) -> Exception:
    """Rebuild a displayable exception from an ERROR pending write."""
    import builtins

    if isinstance(value, BaseException):
        return value  # type: ignore[return-value]
    if isinstance(value, dict) and "type" in value:
        cls = getattr(builtins, str(value["type"]), None)
        if isinstance(cls, type) and issubclass(cls, Exception):
            try:
                return cls(value.get("message", ""))
            except Exception:
                pass
        return type(str(value["type"]), (Exception,), {})(value.get("message", ""))
    return Exception(str(value))


__all__ = ["emit_updates", "emit_checkpoint", "emit_task_start", "emit_task_result", "error_record",
           "INTERRUPT", "ERROR", "NO_WRITES", "TASKS"]
