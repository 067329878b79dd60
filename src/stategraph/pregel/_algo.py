"""The pure heart of the engine: which tasks run next, and how their writes fold into channels.

No I/O, no threads, no awaits: ``_loop.py`` calls these between the effects it yields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..channels.base import BaseChannel
from ..constants import NULL_TASK_ID, PULL, PUSH, RESERVED_WRITES, TASKS
from ..errors import EmptyChannelError, ErrorCode, InvalidUpdateError
from ..types import Send
from ._task import Task, path_sort_key

if TYPE_CHECKING:
    from ._loop import PregelLoop


def read_channels(
    channels: Mapping[str, BaseChannel], select: Sequence[str] | str, managed: Mapping[str, Any] | None = None
) -> Any:
    """Read ``select`` (a key or list of keys); missing values are simply absent from the dict."""
    if isinstance(select, str):
        return channels[select].get()
    values: dict[str, Any] = {}
    for k in select:
        ch = channels.get(k)
        if ch is not None:
            if ch.is_available():
                values[k] = ch.get()
        elif managed is not None and k in managed:
            values[k] = managed[k]
    return values


def managed_values(loop: PregelLoop, step: int) -> dict[str, Any]:
    return {k: spec.get_value(step, loop.stop) for k, spec in loop.graph.managed.items()}


def prepare_tasks(loop: PregelLoop, step: int) -> list[Task]:
    """PUSH tasks (one per pending Send, by index) then PULL tasks (triggered nodes, by name)."""
    tasks: list[Task] = []
    channels = loop.channels
    nodes = loop.graph.nodes
    tasks_ch = channels.get(TASKS)
    if tasks_ch is not None and tasks_ch.is_available():
        for idx, packet in enumerate(tasks_ch.get()):
            if not isinstance(packet, Send):
                continue
            node = nodes.get(packet.node)
            if node is None:  # validated when written; kept for saved data
                continue
            value = node.mapper(packet.arg) if node.mapper is not None else packet.arg
            task = Task(loop, node, packet.node, value, (PUSH, idx), (PUSH,), step=step)
            if packet.timeout is not None:
                task.timeout = packet.timeout
            tasks.append(task)
    updated = loop.updated_channels
    if updated is None:
        candidates: Iterable[str] = nodes
    else:
        names: set[str] = set()
        t2n = loop.graph.trigger_to_nodes
        for ch in updated:
            names.update(t2n.get(ch, ()))
        candidates = sorted(names)
    versions = loop.versions
    seen_all = loop.versions_seen
    managed = None
    for name in candidates:
        node = nodes[name]
        seen = seen_all.get(name)
        triggered = False
        for ch in node.triggers:
            c = channels.get(ch)
            if c is None or not c.is_available():
                continue
            if seen is None or versions.get(ch, 0) > seen.get(ch, 0):
                triggered = True
                break
        if not triggered:
            continue
        if node.channels.__class__ is str:
            try:
                value = channels[node.channels].get()
            except EmptyChannelError:
                continue
        else:
            if managed is None and loop.graph.managed:
                managed = managed_values(loop, step)
            value = read_channels(channels, node.channels, managed)
        if node.mapper is not None:
            value = node.mapper(value)
        if len(node.triggers) == 1:
            triggers = node.trigger_tuple
        else:
            triggers = tuple(ch for ch in node.triggers if ch in channels and channels[ch].is_available())
        tasks.append(Task(loop, node, name, value, (PULL, name), triggers or node.trigger_tuple, step=step))
    return tasks


def apply_writes(loop: PregelLoop, tasks: Sequence[Task], next_version: Any) -> set[str]:
    """Fold the tasks' writes into channels in path order; return the channels that changed.

    Invariant: the result does not depend on the order in which tasks finished.
    """
    channels = loop.channels
    versions = loop.versions
    seen_all = loop.versions_seen
    graph = loop.graph
    consumers = graph.consumers
    ordered = sorted(tasks, key=lambda t: path_sort_key(t.path)) if len(tasks) > 1 else tasks
    for task in ordered:
        triggers = task.triggers
        if not triggers or triggers[0] == PUSH:
            continue
        seen = seen_all.get(task.name)
        if seen is None:
            seen = seen_all[task.name] = {}
        for ch in triggers:
            if ch in versions:
                seen[ch] = versions[ch]
            # consume the trigger channels that were read (resets barriers, deferred channels)
            if ch in consumers and channels[ch].consume():
                versions[ch] = next_version
    updated: set[str] = set()
    grouped: dict[str, list[Any]] = {}
    for task in ordered:
        for ch, value in task.writes:
            if ch in RESERVED_WRITES:
                continue
            if ch in channels:
                lst = grouped.get(ch)
                if lst is None:
                    grouped[ch] = [value]
                else:
                    lst.append(value)
    if TASKS in channels and TASKS not in grouped and channels[TASKS].is_available():
        grouped[TASKS] = []  # clear delivered Sends
    for ch, values in grouped.items():
        try:
            changed = channels[ch].update(values)
        except InvalidUpdateError as exc:
            raise _with_context(exc, ch, loop, ordered) from None
        if changed:
            versions[ch] = next_version
            if channels[ch].is_available():
                updated.add(ch)
    # Only a channel that changed last step can still hold a one-step value (None: unknown).
    previous = loop.updated_channels
    ephemeral = loop.graph.ephemeral_channels
    candidates = ephemeral if previous is None else [ch for ch in previous if ch in ephemeral]
    for ch in candidates:
        if ch not in grouped and channels[ch].update(()):
            versions[ch] = next_version
    if graph.finishers and updated.isdisjoint(graph.trigger_channels):
        # nothing else will run: release deferred nodes and barriers
        for ch in graph.finishers:
            c = channels[ch]
            if c.finish():
                versions[ch] = next_version
                if c.is_available():
                    updated.add(ch)
    return updated


def _with_context(exc: InvalidUpdateError, channel: str, loop: PregelLoop, tasks: Sequence[Task]) -> InvalidUpdateError:
    writers = sorted({t.name for t in tasks for ch, _ in t.writes if ch == channel})
    if exc.code is ErrorCode.INVALID_CONCURRENT_GRAPH_UPDATE and writers:
        msg = f"{exc.args[0]} Step {loop.step}, written by nodes {writers}."
        new = InvalidUpdateError(msg, code=exc.code, channel=channel, step=loop.step, nodes=writers)
        return new
    return exc


def is_finished(writes: Sequence[tuple[str, Any]]) -> bool:
    """A task finished a run iff it stored a regular write or the no-writes marker.

    Interrupted or failed attempts store only ERROR / INTERRUPT / RESUME markers, so any other
    channel proves a completed attempt (earlier interrupt markers may remain beside it).
    """
    from ..constants import ERROR, INTERRUPT, RESUME

    return any(ch not in (ERROR, INTERRUPT, RESUME) for ch, _ in writes)


def null_writes(pending: Sequence[tuple[str, str, Any]]) -> list[tuple[str, Any]]:
    return [(ch, v) for tid, ch, v in pending if tid == NULL_TASK_ID]


__all__ = ["read_channels", "prepare_tasks", "apply_writes", "managed_values", "PULL"]
