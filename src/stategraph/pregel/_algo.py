"""The pure heart of the engine: which tasks run next, and how their writes fold into channels.

No I/O, no threads, no awaits: ``_loop.py`` calls these between the effects it yields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..channels._single import SingleValueChannel
from ..channels.base import MISSING, BaseChannel
from ..constants import NULL_TASK_ID, PULL, PUSH, RESERVED_WRITES, TASKS
from ..errors import EmptyChannelError, ErrorCode, InvalidUpdateError
from ..types import Send
from ._task import Task, path_sort_key
from ._views import MIN_KEYS, StateViews

if TYPE_CHECKING:
    from ._loop import PregelLoop
    from ._node import PregelNode


def read_channels(
    channels: Mapping[str, BaseChannel], select: Sequence[str] | str, managed: Mapping[str, Any] | None = None
) -> Any:
    """Read ``select`` (a key or list of keys); missing values are simply absent from the dict."""
    if isinstance(select, str):
        return channels[select].get()
    values: dict[str, Any] = {}
    plain = _PLAIN_VALUE
    for k in select:
        ch = channels.get(k)
        if ch is not None:
            kind = plain.get(ch.__class__)
            if kind is None:
                kind = _learn_kind(ch.__class__)
            if kind:
                if ch.value is not MISSING:
                    values[k] = ch.value
            elif ch.is_available():
                values[k] = ch.get()
        elif managed is not None and k in managed:
            values[k] = managed[k]
    return values


# why: reading state is the bulk of a step on wide states.  A channel class that keeps
# SingleValueChannel's get/is_available holds its whole state in ``value`` (MISSING when empty),
# so one attribute read replaces two method calls per key.  Maps class -> that fact.
_PLAIN_VALUE: dict[type, bool] = {}


def _learn_kind(cls: type) -> bool:
    plain = _PLAIN_VALUE[cls] = (
        getattr(cls, "get", None) is SingleValueChannel.get
        and getattr(cls, "is_available", None) is SingleValueChannel.is_available
    )
    return plain


def managed_values(loop: PregelLoop, step: int) -> dict[str, Any]:
    return {k: spec.get_value(step, loop.stop) for k, spec in loop.graph.managed.items()}


def prepare_tasks(loop: PregelLoop, step: int, candidates: Sequence[str] | None = None) -> list[Task]:
    """PUSH tasks (one per pending Send, by index) then PULL tasks (triggered nodes, by name).

    ``candidates`` limits the PULL side to those nodes (default: the nodes subscribed to a
    channel updated last step).
    """
    channels = loop.channels
    updated = loop.updated_channels
    # Invariant: when the last step's changes are known, pending Sends are among them (apply_writes
    # clears the Send topic in every step that does not write it)
    tasks_ch = channels.get(TASKS) if updated is None or TASKS in updated else None
    pending_sends = tasks_ch is not None and tasks_ch.is_available()
    tasks = _push_tasks(loop, step, tasks_ch.get()) if pending_sends else []  # type: ignore[union-attr]
    graph = loop.graph
    nodes, versions, seen_all = graph.nodes, loop.versions, loop.versions_seen
    managed = managed_values(loop, step) if graph.managed else None
    for name in _candidates(loop) if candidates is None else candidates:
        node = nodes[name]
        if _is_triggered(channels, versions, seen_all.get(name), node.trigger_tuple):
            task = _pull_task(loop, name, node, step, managed)
            if task is not None:
                tasks.append(task)
    return tasks


def _push_tasks(loop: PregelLoop, step: int, packets: Sequence[Any]) -> list[Task]:
    tasks: list[Task] = []
    nodes = loop.graph.nodes
    for idx, packet in enumerate(packets):
        node = nodes.get(packet.node) if isinstance(packet, Send) else None
        if node is None:  # validated when written; kept for saved data
            continue
        # as LangGraph: a Send's argument reaches the node as given (the state-schema mapper
        # coerces only what a node reads from the channels); False in the path marks "not a
        # functional call"
        task = Task(loop, node, packet.node, packet.arg, (PUSH, idx, False), (PUSH,), step)
        if packet.timeout is not None:
            task.timeout = packet.timeout
        tasks.append(task)
    return tasks


def _candidates(loop: PregelLoop) -> Sequence[str]:
    """Nodes subscribed to a channel that changed last step, sorted (every node when unknown)."""
    updated = loop.updated_channels
    if updated is None:
        return loop.graph.nodes  # type: ignore[return-value]
    t2n = loop.graph.trigger_to_nodes
    names: Sequence[str] = ()
    merged = False
    for ch in updated:
        found = t2n.get(ch)
        if found:
            if not names:
                names = found  # why: already sorted; the common step updates one trigger channel
            else:
                names, merged = {*names, *found}, True
    return sorted(names) if merged else names


def _is_triggered(
    channels: Mapping[str, BaseChannel], versions: Mapping[str, Any], seen: Mapping[str, Any] | None,
    triggers: Sequence[str],
) -> bool:
    plain = _PLAIN_VALUE
    for ch in triggers:
        c = channels.get(ch)
        if c is None:
            continue
        kind = plain.get(c.__class__)
        if kind is None:
            kind = _learn_kind(c.__class__)
        if ((c.value is not MISSING) if kind else c.is_available()) and (
            seen is None or versions.get(ch, 0) > seen.get(ch, 0)
        ):
            return True
    return False


def _pull_task(
    loop: PregelLoop, name: str, node: PregelNode, step: int, managed: Mapping[str, Any] | None
) -> Task | None:
    channels = loop.channels
    select = node.channels
    if select.__class__ is str:
        try:
            value = channels[select].get()  # type: ignore[index]
        except EmptyChannelError:
            return None
    elif len(select) < MIN_KEYS:
        value = read_channels(channels, select, managed)
    else:
        views = loop.views
        if views is None or views.channels is not channels:
            views = loop.views = StateViews(channels)
        value = views.read(select)  # type: ignore[arg-type]
        if value is None:
            value = read_channels(channels, select, managed)
    if node.mapper is not None:
        value = node.mapper(value)
    triggers = node.trigger_tuple
    if len(triggers) > 1:
        triggers = tuple(ch for ch in triggers if ch in channels and channels[ch].is_available()) or triggers
    return Task(loop, node, name, value, (PULL, name), triggers, step)


def apply_writes(loop: PregelLoop, tasks: Sequence[Task], next_version: Any, *, new_step: bool = True) -> set[str]:
    """Fold the tasks' writes into channels in path order; return the channels that changed.

    ``new_step=False`` (a Command given as a run's input) folds the writes into the current
    step: one-step values are not expired, so tasks still pending keep their triggers.
    Invariant: the result does not depend on the order in which tasks finished.
    """
    ordered = sorted(tasks, key=lambda t: path_sort_key(t.path)) if len(tasks) > 1 else tasks
    _mark_seen_and_consume(loop, ordered, next_version)
    channels, versions, dirty = loop.channels, loop.versions, loop.dirty
    grouped: dict[str, list[Any]] = {}  # channel -> its writes, in task-path order
    for task in ordered:
        for ch, value in task.writes:
            if ch in grouped:
                grouped[ch].append(value)
            elif ch in channels and ch not in RESERVED_WRITES:
                grouped[ch] = [value]
    updated: set[str] = set()
    plain = _PLAIN_VALUE
    for ch, values in grouped.items():
        c = channels[ch]
        try:
            changed = c.update(values)
        except InvalidUpdateError as exc:
            raise _with_context(exc, ch, loop, ordered) from None
        if changed:
            versions[ch] = dirty[ch] = next_version
            kind = plain.get(c.__class__)
            if kind is None:
                kind = _learn_kind(c.__class__)
            if (c.value is not MISSING) if kind else c.is_available():
                updated.add(ch)
    if new_step:
        _expire(loop, grouped, updated, next_version)
    elif loop.views is not None:
        loop.views.touch(grouped, loop.updated_channels)
    return updated


def _expire(loop: PregelLoop, grouped: dict[str, list[Any]], updated: set[str], next_version: Any) -> None:
    """Expire one-step values (triggers, Sends) not written again; release deferred nodes when
    nothing else would run.  Only a channel that changed last step can still hold a one-step
    value (None: unknown, check all)."""
    channels, versions, dirty = loop.channels, loop.versions, loop.dirty
    previous, graph = loop.updated_channels, loop.graph
    ephemeral = graph.ephemeral_channels
    for ch in ephemeral if previous is None else previous:
        if ch in ephemeral and ch not in grouped and channels[ch].update(()):
            versions[ch] = dirty[ch] = next_version
    if loop.views is not None:
        loop.views.touch(grouped, previous)
    if graph.finishers and updated.isdisjoint(graph.trigger_channels):
        _finish(loop, updated, next_version)


def _mark_seen_and_consume(loop: PregelLoop, ordered: Sequence[Task], next_version: Any) -> None:
    channels, versions, seen_all = loop.channels, loop.versions, loop.versions_seen
    consumers = loop.graph.consumers
    shared = loop.saver is not None  # only a saved checkpoint can share the inner dicts
    for task in ordered:
        triggers = task.triggers
        if not triggers or triggers[0] == PUSH:
            continue
        seen = seen_all.get(task.name)
        if seen is None or shared:
            # copy-on-write: a saved checkpoint may still share the previous dict
            seen = seen_all[task.name] = loop.seen_changed[task.name] = dict(seen or ())
        for ch in triggers:
            if ch in versions:
                seen[ch] = versions[ch]
            # consume the trigger channels that were read (resets barriers, deferred channels)
            if ch in consumers and channels[ch].consume():
                versions[ch] = loop.dirty[ch] = next_version


def _finish(loop: PregelLoop, updated: set[str], next_version: Any) -> None:
    """Nothing else would run: release deferred nodes and finish-barriers."""
    channels, versions = loop.channels, loop.versions
    for ch in loop.graph.finishers:
        c = channels[ch]
        if c.finish():
            versions[ch] = loop.dirty[ch] = next_version
            if c.is_available():
                updated.add(ch)


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
