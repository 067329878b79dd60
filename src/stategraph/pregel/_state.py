"""Thread state: get_state, get_state_history, update_state and bulk_update_state.

Each operation is a generator of saver effects, so it is written once and run by
``run_sync``/``run_async`` below.
"""

# why: over 400 lines: get_state, history and update_state share the offline loop and the
# subgraph addressing; splitting them would scatter one API's rules.

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import TYPE_CHECKING, Any

from ..constants import (
    CONF,
    COPY,
    END,
    ERROR,
    INPUT,
    INTERRUPT,
    NO_WRITES,
    NULL_TASK_ID,
    PULL,
    RESUME,
    TASKS,
)
from ..errors import ErrorCode, InvalidUpdateError, coded
from ..runtime import Runtime
from ..types import PregelTask, StateSnapshot, StateUpdate
from ._algo import apply_writes, is_finished, prepare_tasks
from ._events import error_text, saved_result, with_checkpoint_map
from ._io import input_writes
from ._loop import PregelLoop
from ._prepare import strip_task_ids
from ._stream import StreamSink
from ._task import Task, path_text

if TYPE_CHECKING:
    from .main import Pregel

Gen = Generator[tuple[Any, ...], Any, Any]


def _saver(graph: Pregel) -> Any:
    from ..checkpoint.base import BaseCheckpointSaver

    saver = graph.checkpointer
    if not isinstance(saver, BaseCheckpointSaver):
        raise ValueError(
            "No checkpointer set: compile the graph with a checkpointer, e.g. compile(checkpointer=InMemorySaver())."
        )
    return saver


def run_sync(graph: Pregel, gen: Gen) -> Any:
    saver = _saver(graph)
    reply: Any = None
    while True:
        try:
            eff = gen.send(reply)
        except StopIteration as stop:
            return stop.value
        kind = eff[0]
        if kind == "list":
            reply = list(saver.list(eff[1], **eff[2]))
        else:
            reply = getattr(saver, kind)(*eff[1:])


async def run_async(graph: Pregel, gen: Gen) -> Any:
    saver = _saver(graph)
    reply: Any = None
    while True:
        try:
            eff = gen.send(reply)
        except StopIteration as stop:
            return stop.value
        kind = eff[0]
        if kind == "list":
            reply = [t async for t in saver.alist(eff[1], **eff[2])]
        else:
            reply = await getattr(saver, "a" + kind)(*eff[1:])


def _offline_loop(graph: Pregel, config: dict[str, Any]) -> PregelLoop:
    conf = config.get(CONF, {})
    cfg = {
        CONF: {
            k: v for k, v in conf.items() if k in ("thread_id", "checkpoint_ns", "checkpoint_id")
        }
    }
    cfg[CONF]["thread_id"] = str(conf.get("thread_id", ""))
    return PregelLoop(
        graph,
        input=None,
        config=cfg,
        saver=graph.checkpointer,
        cache=None,
        sink=StreamSink(set(), None),
        runtime=Runtime(),
        durability="sync",
        interrupt_before=(),
        interrupt_after=(),
        checkpoint_ns=conf.get("checkpoint_ns", ""),
    )


def _snapshot(graph: Pregel, config: dict[str, Any], saved: Any, *, subgraphs: bool) -> Gen:
    """A snapshot, with subgraph tasks' ``state`` filled (child snapshot or child config)."""
    latest = not (config.get(CONF) or {}).get("checkpoint_id")
    snap = snapshot_from(graph, config, saved, latest=latest)
    if saved is None or not any(
        graph.nodes[t.name].subgraphs for t in snap.tasks if t.name in graph.nodes
    ):
        return snap
    tasks = []
    thread = saved.config[CONF].get("thread_id")
    parent_ns = saved.config[CONF].get("checkpoint_ns", "")
    for t in snap.tasks:
        node = graph.nodes.get(t.name)
        if node is None or not node.subgraphs:
            tasks.append(t)
            continue
        ns = f"{parent_ns}|{t.name}:{t.id}" if parent_ns else f"{t.name}:{t.id}"
        child_cfg = {CONF: {"thread_id": thread, "checkpoint_ns": ns}}
        state: Any = child_cfg
        if subgraphs:
            child = node.subgraphs[0]
            lookup = child_cfg
            if child.checkpointer is True:  # it keeps one namespace for every run: no task ids
                lookup = {CONF: {"thread_id": thread, "checkpoint_ns": strip_task_ids(ns)}}
            child_saved = yield ("get_tuple", lookup)
            if child_saved is not None:
                state = yield from _snapshot(child, lookup, child_saved, subgraphs=True)
            else:  # not started yet: an empty snapshot at its namespace (LangGraph's shape)
                state = StateSnapshot({}, (), child_cfg, None, None, None, (), ())
        tasks.append(t._replace(state=state))
    return snap._replace(tasks=tuple(tasks))


def snapshot_from(
    graph: Pregel, config: dict[str, Any], saved: Any, *, latest: bool
) -> StateSnapshot:
    if saved is None:
        return StateSnapshot({}, (), config, None, None, None, (), ())
    loop = _offline_loop(graph, saved.config)
    loop._restore(saved)
    loop.updated_channels = None  # why: a snapshot lists its next tasks in node order (LangGraph)
    tasks = prepare_tasks(loop, loop.step)
    # then the values show a Command given to a run that paused again (LangGraph's order: the
    # tasks it routed to are not listed)
    loop._reapply_command_writes()
    by_task: dict[str, list[tuple[str, Any]]] = {}
    for tid, ch, v in saved.pending_writes or []:
        by_task.setdefault(tid, []).append((ch, v))
    out_tasks = []
    pending_interrupts = []
    finished = []
    for t in tasks:
        writes = by_task.get(t.id, [])
        # a saved error reads back as its repr string, as from LangGraph's savers
        error = next((error_text(v) for ch, v in writes if ch == ERROR), None)
        # the most recent question the task asked (LangGraph keeps one INTERRUPT slot per task)
        asked = [v for ch, v in writes if ch == INTERRUPT]
        interrupts = tuple(asked[-1]) if asked else ()
        done = is_finished(writes)
        result = None
        if done:
            result = saved_result(loop, writes)
            t.writes = [
                (ch, v) for ch, v in writes if ch not in (ERROR, INTERRUPT, RESUME, NO_WRITES)
            ]
            finished.append(t)
            if latest:  # the live state: only questions still waiting; history keeps the record
                interrupts = ()
        out_tasks.append(PregelTask(t.id, t.name, t.path, error, interrupts, None, result))
        pending_interrupts.extend(interrupts)
    if latest and finished:
        # the latest state shows what finished tasks of an interrupted step already wrote
        apply_writes(loop, finished, loop._next_version())
        nexts = tuple(t.name for t in tasks if t not in finished)
    else:
        nexts = tuple(t.name for t in tasks)
    values = graph.map_output_values(loop.read_stream_values())
    return StateSnapshot(
        values=values,
        next=nexts,
        config=with_checkpoint_map(saved.config, saved.metadata),
        metadata=saved.metadata,
        created_at=saved.checkpoint.get("ts"),
        parent_config=with_checkpoint_map(saved.parent_config, saved.metadata),
        tasks=tuple(out_tasks),
        interrupts=tuple(pending_interrupts),
    )


def _get_state(graph: Pregel, config: dict[str, Any], subgraphs: bool = False) -> Gen:
    saved = yield ("get_tuple", _lookup_config(config))
    return (yield from _snapshot(graph, config, saved, subgraphs=subgraphs))


def _lookup_config(config: dict[str, Any]) -> dict[str, Any]:
    conf = dict(config.get(CONF, {}))
    if "thread_id" not in conf:
        # why: KeyError, as LangGraph (which reads config["configurable"]["thread_id"])
        raise coded(
            KeyError,
            "get_state/get_state_history/update_state need config={'configurable': {'thread_id': ...}}: "
            "the thread to read or update.",
            ErrorCode.CHECKPOINT_BAD_ARGUMENT,
        )
    conf.setdefault("checkpoint_ns", "")
    return {**config, CONF: conf}


def _history(graph: Pregel, config: dict[str, Any], kwargs: dict[str, Any]) -> Gen:
    tuples = yield ("list", _lookup_config(config), kwargs)
    out = []
    for t in tuples:
        out.append((yield from _snapshot(graph, t.config, t, subgraphs=False)))
    return out


def _target(graph: Pregel, config: dict[str, Any], *, for_update: bool = False) -> Pregel:
    """The graph a config addresses: a subgraph when it names one's checkpoint_ns (read and
    written with this graph's saver), else ``graph`` itself.

    A namespace naming no subgraph this graph declares is read with ``graph``'s own channels
    (as LangGraph: an empty snapshot when nothing is saved there); an update to it is refused,
    since this graph's nodes would write the wrong state into it."""
    ns = (config.get(CONF) or {}).get("checkpoint_ns") or ""
    if not ns:
        return graph
    wanted = strip_task_ids(ns)
    for name, sub in graph.get_subgraphs(recurse=True):
        if name == wanted:
            return sub.copy({"checkpointer": graph.checkpointer})
    if not for_update:
        return graph
    raise ValueError(
        f"Subgraph {wanted!r} not found: checkpoint_ns {ns!r} names no subgraph of this graph."
    )


def get_state(graph: Pregel, config: dict[str, Any], *, subgraphs: bool = False) -> StateSnapshot:
    return run_sync(graph, _get_state(_target(graph, config), config, subgraphs))


async def aget_state(
    graph: Pregel, config: dict[str, Any], *, subgraphs: bool = False
) -> StateSnapshot:
    return await run_async(graph, _get_state(_target(graph, config), config, subgraphs))


def get_state_history(graph: Pregel, config: dict[str, Any], **kwargs: Any) -> Any:
    return iter(run_sync(graph, _history(_target(graph, config), config, kwargs)))


async def aget_state_history(
    graph: Pregel, config: dict[str, Any], **kwargs: Any
) -> list[StateSnapshot]:
    return await run_async(graph, _history(_target(graph, config), config, kwargs))


# ---------------------------------------------------------------------- updates
def _infer_as_node(graph: Pregel, loop: PregelLoop) -> str:
    """The node an update without ``as_node`` is written as: the one that read last.

    As LangGraph: the graph's only node (START counts); else the node holding the single
    newest version seen (a tie of two entries, even of one node, is ambiguous); else, when
    nothing was seen yet, START for a graph whose input is START's channel.
    """
    if len(graph.nodes) == 1:
        return next(iter(graph.nodes))
    seen = sorted(
        (version, name)
        for name, versions in loop.versions_seen.items()
        if name in graph.nodes
        for version in versions.values()
    )
    if not seen:
        if isinstance(graph.input_channels, str) and graph.input_channels in graph.nodes:
            return graph.input_channels
        raise InvalidUpdateError(
            "Ambiguous update, specify as_node: no node has run on this thread yet"
        )
    if len(seen) > 1 and seen[-1][0] == seen[-2][0]:
        tied = sorted({name for version, name in seen if version == seen[-1][0]})
        raise InvalidUpdateError(f"Ambiguous update, specify as_node (candidates: {tied})")
    return seen[-1][1]


def _apply_update(graph: Pregel, loop: PregelLoop, updates: Sequence[StateUpdate]) -> list[Task]:
    pending = {t.name: t for t in prepare_tasks(loop, loop.step)}
    tasks = []
    for upd in updates:
        as_node = upd.as_node or _infer_as_node(graph, loop)
        if as_node == END and upd.values is None:
            for t in pending.values():
                t.writes = []
                tasks.append(t)
            continue
        if as_node == INPUT:
            tasks.append(_input_task(graph, loop, upd.values, len(updates)))
            continue
        node = graph.nodes.get(as_node)
        if node is None:
            raise InvalidUpdateError(f"Node {as_node} does not exist")
        masq = pending.get(as_node)
        triggers = (
            masq.triggers
            if masq is not None
            else tuple(
                ch
                for ch in node.triggers
                if ch in loop.channels and loop.channels[ch].is_available()
            )
        )
        task = Task(
            loop,
            node,
            as_node,
            upd.values,
            (PULL, as_node),
            triggers,
            step=loop.step,
            id=upd.task_id or (masq.id if masq is not None else None),
        )
        for writer in node.writers:
            res = writer(upd.values, task)
            if res is not None and hasattr(res, "close"):
                res.close()
                raise RuntimeError(
                    f"Node '{as_node}' has an async conditional edge: use aupdate_state()."
                )
        tasks.append(task)
    return tasks


def _input_task(graph: Pregel, loop: PregelLoop, values: Any, count: int) -> Task:
    """as_node="__input__": the values go to the input channels, as a run's input would; the
    next run (input None) starts from them."""
    if count > 1:
        raise InvalidUpdateError(
            "Cannot apply several updates in one superstep when updating as __input__."
        )
    writes = input_writes(graph, values) if values is not None else []
    if not writes:
        raise InvalidUpdateError(
            f"update_state(as_node='__input__') got no input for {graph.input_channels_label}: "
            "pass the run's input (e.g. a dict of state keys)."
        )
    task = Task(
        loop, graph.input_node, INPUT, values, (INPUT,), (), step=loop.step, id=NULL_TASK_ID
    )
    task.writes = writes
    return task


def _update(
    graph: Pregel, config: dict[str, Any], supersteps: Sequence[Sequence[StateUpdate]]
) -> Gen:
    if not supersteps:
        raise ValueError(
            "No supersteps provided: bulk_update_state needs a list of supersteps of StateUpdates."
        )
    if any(len(step) == 0 for step in supersteps):
        raise ValueError(
            "No updates provided: every superstep given to bulk_update_state needs at least one StateUpdate."
        )
    loop = _offline_loop(graph, config)
    # the update's checkpoint records the caller's metadata and configurable values, as a run's does
    loop.config = {
        **loop.config,
        "metadata": config.get("metadata") or {},
        CONF: {**(config.get(CONF) or {}), **loop.config[CONF]},
    }
    saved = yield ("get_tuple", _lookup_config(config))
    latest = saved
    if config.get(CONF, {}).get("checkpoint_id"):
        conf = {k: v for k, v in _lookup_config(config)[CONF].items() if k != "checkpoint_id"}
        latest = yield ("get_tuple", {CONF: conf})
    loop.expected_head = latest.config[CONF]["checkpoint_id"] if latest is not None else ""
    loop._restore(saved)
    if saved is not None:  # a subgraph's update keeps its checkpoint's ancestors
        loop.checkpoint_map = dict((saved.metadata or {}).get("parents") or {})
    if saved is None:
        loop.checkpoint_config = _lookup_config(config)
        if supersteps[0][0].as_node != INPUT:
            loop.step = 0  # a first update is step 0; a first input, as a run's, step -1
    if len(supersteps) == 1 and len(supersteps[0]) == 1 and supersteps[0][0].as_node == COPY:
        return (yield from _copy(graph, loop, saved, supersteps[0][0].values))
    # the writes of an update are also saved on the checkpoint it builds on (as LangGraph 1.2
    # does), so that checkpoint's history shows them as its tasks' results; not when the thread
    # already moved past it (a fork), whose other children must not see them
    record = (
        saved is not None
        and latest is not None
        and latest.config[CONF]["checkpoint_id"] == saved.config[CONF]["checkpoint_id"]
    )
    for updates in supersteps:
        if len(updates) > 1 and any(u.as_node is None for u in updates):
            raise InvalidUpdateError(
                "When applying several updates in one superstep, give each an as_node."
            )
        tasks = _apply_update(graph, loop, updates)
        if record:
            yield from _record_update_writes(loop, tasks)
        record = True
        # an update as __input__ only adds input: the tasks still pending keep their triggers
        # (LangGraph runs them beside the input's, as for a Command given as input)
        as_input = all(t.node is graph.input_node for t in tasks)
        apply_writes(loop, tasks, loop._next_version(), new_step=not as_input)
        loop.updated_channels = None  # the next run rescans every node: pending tasks may remain
        source = "input" if any(u.as_node in (INPUT,) for u in updates) else "update"
        yield from loop._save(source, step=loop.step)
        loop.step += 1
    return with_checkpoint_map(loop.checkpoint_config, loop.checkpoint_metadata)


def _record_update_writes(loop: PregelLoop, tasks: list[Task]) -> Gen:
    for task in tasks:
        if task.node is loop.graph.input_node:
            continue  # input writes belong to no task of that checkpoint
        writes = [(ch, v) for ch, v in task.writes if ch != TASKS]
        if writes:
            yield ("put_writes", loop.checkpoint_config, writes, task.id, path_text(task.path))


def _copy(graph: Pregel, loop: PregelLoop, saved: Any, values: Any) -> Gen:
    """as_node="__copy__": save the checkpoint again as a sibling (source="fork")."""
    if saved is None:
        raise InvalidUpdateError(
            "Cannot copy a checkpoint that does not exist: the thread has none."
        )
    loop.checkpoint_config = saved.parent_config or {
        CONF: {k: v for k, v in saved.config[CONF].items() if k != "checkpoint_id"}
    }
    loop.updated_channels = None
    # the copy is numbered one past the checkpoint copied, as LangGraph numbers it
    yield from loop._save("fork", step=loop.step)
    config = loop.checkpoint_config
    for item in values or ():
        vals, as_node = item if isinstance(item, tuple) else (item, None)
        config = yield from _update(graph, config, [[StateUpdate(vals, as_node)]])
    return config


def update_state(
    graph: Pregel, config: dict[str, Any], values: Any, *, as_node: str | None, task_id: str | None
) -> dict[str, Any]:
    return run_sync(
        graph,
        _update(
            _target(graph, config, for_update=True),
            config,
            [[StateUpdate(values, as_node, task_id)]],
        ),
    )


async def aupdate_state(
    graph: Pregel, config: dict[str, Any], values: Any, *, as_node: str | None, task_id: str | None
) -> dict[str, Any]:
    return await run_async(
        graph,
        _update(
            _target(graph, config, for_update=True),
            config,
            [[StateUpdate(values, as_node, task_id)]],
        ),
    )


def bulk_update_state(
    graph: Pregel, config: dict[str, Any], supersteps: Sequence[Sequence[Any]]
) -> dict[str, Any]:
    return run_sync(
        graph,
        _update(
            _target(graph, config, for_update=True),
            config,
            [[StateUpdate(*u) for u in s] for s in supersteps],
        ),
    )


async def abulk_update_state(
    graph: Pregel, config: dict[str, Any], supersteps: Sequence[Sequence[Any]]
) -> dict[str, Any]:
    return await run_async(
        graph,
        _update(
            _target(graph, config, for_update=True),
            config,
            [[StateUpdate(*u) for u in s] for s in supersteps],
        ),
    )


__all__ = ["get_state", "update_state", "NO_WRITES", "RESUME"]
