"""Payloads of the updates / tasks / debug / checkpoints stream modes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..constants import CONF, ERROR, INTERRUPT, NO_WRITES, RETURN, TASKS
from ..errors import GraphBubbleUp, GraphInterrupt

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
    keys = loop.output_keys
    if keys is None:
        allowed, single = loop.graph.stream_channels_set, loop.graph.single_output
    else:
        allowed, single = ({keys}, keys) if isinstance(keys, str) else (set(keys), None)
    writes = [(ch, v) for ch, v in task.writes if ch in allowed]
    if not writes:
        return None
    if single is not None:
        return writes[-1][1] if writes[-1][0] == single else None
    counts: dict[str, int] = {}
    for ch, _ in writes:
        counts[ch] = counts.get(ch, 0) + 1
    if any(c > 1 for c in counts.values()):
        return [{ch: v} for ch, v in writes]
    return dict(writes)


def emit_updates(loop: PregelLoop, task: Task, *, cached: bool = False) -> None:
    payload: dict[str, Any] = {task.name: task_update(loop, task)}
    if cached or task.cached:
        payload["__metadata__"] = {"cached": True}
    loop.sink.emit("updates", payload)


def _task_start_payload(task: Task) -> dict[str, Any]:
    return {"id": task.id, "name": task.name, "input": task.input, "triggers": tuple(task.triggers)}


def _task_result_payload(loop: PregelLoop, task: Task) -> dict[str, Any]:
    err = task.error
    error = None if err is None or isinstance(err, GraphBubbleUp) else err
    allowed = loop.graph.stream_channels_set
    return {
        "id": task.id,
        "name": task.name,
        "error": error,
        # an interrupted task reports no result, even what it wrote before pausing (an
        # interrupt in its conditional edge), as LangGraph
        "result": {}
        if isinstance(err, GraphInterrupt)
        else fold_writes([(ch, v) for ch, v in task.writes if ch in allowed or ch == RETURN]),
        "interrupts": [interrupt_dict(i) for i in task.interrupts],
    }


def fold_writes(writes: list[tuple[str, Any]]) -> dict[str, Any]:
    """Writes as ``{channel: value}``; a channel written more than once: ``{"$writes": [...]}``."""
    result: dict[str, Any] = {}
    for ch, v in writes:
        if ch not in result:
            result[ch] = v
            continue
        prev = result[ch]
        if isinstance(prev, dict) and isinstance(prev.get("$writes"), list):
            prev["$writes"].append(v)
        else:
            result[ch] = {"$writes": [prev, v]}
    return result


def interrupt_dict(intr: Any) -> dict[str, Any]:
    """An Interrupt as plain data (the tasks/debug/checkpoints payloads carry no objects)."""
    return {
        "value": intr.value,
        "id": intr.id,
        "response_schema": getattr(intr, "response_schema", None),
    }


def announce_step(loop: PregelLoop, tasks: list[Task], todo: list[Task]) -> None:
    """Before a superstep runs: a start event for each of its tasks (those a resume finds
    already done included), then the updates of the done ones, marked cached (as LangGraph)."""
    if not (loop.want_task_events or (loop.want_updates and len(todo) < len(tasks))):
        return
    if loop.want_task_events:
        for t in tasks:
            emit_task_start(loop, t)
    if loop.want_updates:
        for t in tasks:
            if t.done and not t.node.hidden:
                emit_updates(loop, t, cached=True)


def emit_interrupt(loop: PregelLoop, interrupts: tuple[Any, ...]) -> None:
    """A task paused: its interrupts as an updates chunk, and with the current values."""
    if loop.want_updates:
        loop.sink.emit("updates", {INTERRUPT: interrupts})
    if loop.want_values:
        from ._algo import read_channels

        keys = loop.values_keys
        if isinstance(
            keys, str
        ):  # a single output channel (maybe still empty): only the interrupts
            loop.sink.emit("values", {INTERRUPT: interrupts})
            return
        out = read_channels(loop.channels, keys)
        if isinstance(out, dict):
            loop.sink.emit("values", {**out, INTERRUPT: interrupts})
        else:  # a single output channel: the chunk holds only the interrupts
            loop.sink.emit("values", {INTERRUPT: interrupts})


def emit_task_start(loop: PregelLoop, task: Task) -> None:
    if task.node.hidden:
        return
    payload = _task_start_payload(task)
    if loop.sink.wants("tasks"):
        loop.sink.emit("tasks", payload)
    if loop.sink.wants("debug"):
        loop.sink.emit(
            "debug", {"step": task.step, "timestamp": _now(), "type": "task", "payload": payload}
        )


def emit_task_result(loop: PregelLoop, task: Task) -> None:
    if task.node.hidden:
        return
    payload = _task_result_payload(loop, task)
    if loop.sink.wants("tasks"):
        loop.sink.emit("tasks", payload)
    if loop.sink.wants("debug"):
        loop.sink.emit(
            "debug",
            {"step": task.step, "timestamp": _now(), "type": "task_result", "payload": payload},
        )


def emit_checkpoint(loop: PregelLoop, tasks: list[Task]) -> None:
    if loop.saver is None:
        return
    conf = loop.checkpoint_config.get(CONF, {})
    # durability="exit" saves nothing before the end: as in LangGraph, the events' parent stays
    # the parent of the checkpoint the run started from
    parent = (
        loop.restored_parent_config if loop.durability == "exit" else loop.parent_checkpoint_config
    )
    metadata = loop.checkpoint_metadata
    payload = {
        "config": with_checkpoint_map(_public_config(loop, conf), metadata),
        "parent_config": with_checkpoint_map(_public_config(loop, parent.get(CONF, {})), metadata)
        if parent
        else None,
        "values": loop.graph.map_output_values(loop.read_stream_values()),
        # the checkpoint's own metadata, without the run's config extras a saver stores with it
        # (as LangGraph's events); parents copied: a saver may keep this very dict (LIVE_KEY)
        "metadata": {
            k: dict(v) if type(v) is dict else v
            for k, v in metadata.items()
            if k in _EVENT_METADATA
        },
        "next": [t.name for t in tasks],
        "tasks": checkpoint_tasks(loop, tasks, conf),
    }
    if loop.sink.wants("checkpoints"):
        loop.sink.emit("checkpoints", payload)
    if loop.sink.wants("debug"):
        step = loop.step - 1
        loop.sink.emit(
            "debug", {"step": step, "timestamp": _now(), "type": "checkpoint", "payload": payload}
        )


_EVENT_METADATA = frozenset(("source", "step", "parents"))


def checkpoint_tasks(
    loop: PregelLoop, tasks: list[Task], conf: dict[str, Any]
) -> list[dict[str, Any]]:
    """The next tasks of a checkpoint event, with what their saved writes already tell."""
    from ._algo import is_finished

    by_task: dict[str, list[tuple[str, Any]]] = {}
    for tid, ch, v in loop.pending_writes:
        by_task.setdefault(tid, []).append((ch, v))
    parent_ns = conf.get("checkpoint_ns", "")
    out = []
    for t in tasks:
        state = None
        if t.node.subgraphs:  # the config that finds the subgraph's own checkpoints
            ns = f"{t.name}:{t.id}"
            state = {
                CONF: {
                    "thread_id": loop.thread_id,
                    "checkpoint_ns": f"{parent_ns}|{ns}" if parent_ns else ns,
                }
            }
        writes = by_task.get(t.id, ())
        error = next((error_text(v) for ch, v in writes if ch == ERROR), None)
        if error is not None:  # a saved error reads back as its repr (LangGraph's payload too)
            out.append({"id": t.id, "name": t.name, "error": error, "state": state})
            continue
        entry: dict[str, Any] = {"id": t.id, "name": t.name}
        result = saved_result(loop, writes) if writes and is_finished(list(writes)) else None
        if result:
            entry["result"] = result
        entry["interrupts"] = tuple(
            interrupt_dict(i)
            for ch, v in writes
            if ch == INTERRUPT
            for i in (v if isinstance(v, (list, tuple)) else [v])
        )
        entry["state"] = state
        out.append(entry)
    return out


def saved_result(loop: PregelLoop, writes: Any) -> Any:
    """A finished task's result as snapshots and checkpoint events show it: its return value,
    else its writes to the output channel(s) (one channel: the bare value)."""
    ret = [v for ch, v in writes if ch == RETURN]
    if ret:
        return ret[0]
    keys = loop.graph.stream_channels_asis
    if isinstance(keys, str):
        return fold_writes([(ch, v) for ch, v in writes if ch == keys]).get(keys)
    return fold_writes([(ch, v) for ch, v in writes if ch in loop.graph.stream_channels_set])


def with_checkpoint_map(config: Any, metadata: Any) -> Any:
    """A subgraph checkpoint's config also names its ancestors' checkpoints (LangGraph's
    ``checkpoint_map``: the metadata's parents plus this namespace's id); a root's is unchanged."""
    parents = metadata.get("parents") if metadata else None
    if config is None or not parents:
        return config
    conf = config[CONF]
    return {
        **config,
        CONF: {**conf, "checkpoint_map": {**parents, conf["checkpoint_ns"]: conf["checkpoint_id"]}},
    }


def _public_config(loop: PregelLoop, conf: dict[str, Any]) -> dict[str, Any]:
    out = {
        "thread_id": conf.get("thread_id", loop.thread_id),
        "checkpoint_ns": conf.get("checkpoint_ns", ""),
    }
    if conf.get("checkpoint_id"):
        out["checkpoint_id"] = conf["checkpoint_id"]
    return {CONF: out}


def error_record(err: BaseException) -> dict[str, Any]:
    """What an ERROR pending write stores: never the exception object itself (no pickling)."""
    return {"type": type(err).__name__, "message": str(err), "repr": repr(err)}


def error_text(value: Any) -> str:
    """How a saved ERROR write reads back in snapshots and checkpoint events: the exception's
    repr (what LangGraph's savers hand back, e.g. ``"ValueError('boom')"``)."""
    if isinstance(value, dict) and isinstance(value.get("repr"), str):
        return value["repr"]
    return repr(error_from_record(value))


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


__all__ = [
    "emit_updates",
    "emit_checkpoint",
    "emit_task_start",
    "emit_task_result",
    "error_record",
    "INTERRUPT",
    "ERROR",
    "NO_WRITES",
    "TASKS",
]
