"""The superstep state machine, written once.

``PregelLoop.run()`` is a generator: it yields I/O *effects* (tuples) and receives their results.
The sync and async drivers (``_sync_driver``/``_async_driver``) interpret the effects; all the
decisions live here and in ``_algo``.

Effects: ("get_tuple", config) | ("put", config, checkpoint, metadata, new_versions)
         ("put_writes", config, writes, task_id, task_path) | ("cache_get", keys)
         ("cache_set", pairs) | ("run", tasks)
"""

# why: over the 400-line target: the loop's phases (start/resume, tick, task completion,
# checkpointing, exit) share one object's state.  The next split moves resume and exit handling
# into their own modules (noted in the session's closing note).
from __future__ import annotations

import os
from collections.abc import Generator, Sequence
from typing import TYPE_CHECKING, Any

from ..channels.base import MISSING
from ..checkpoint._frozen import DELTA_KEY, FROZEN_KEY, LIVE_KEY
from ..constants import (
    CALL,
    CONF,
    DEFAULT_RECURSION_LIMIT,
    END,
    ERROR,
    INPUT,
    INTERRUPT,
    NO_WRITES,
    NS_END,
    NS_SEP,
    NULL_TASK_ID,
    PREVIOUS,
    RESUME,
    RETURN,
    START,
    TASKS,
)
from ..errors import (
    EmptyInputError,
    GraphDrained,
    GraphInterrupt,
    GraphRecursionError,
    ParentCommand,
    UnknownInterruptError,
)
from ..types import Command, Interrupt, Send
from . import _events, _handlers, _messages, _trace
from ._algo import apply_writes, is_finished, prepare_tasks, read_channels
from ._ids import is_interrupt_id
from ._io import command_writes, input_writes
from ._stream import StreamSink
from ._task import Task, path_text

if TYPE_CHECKING:
    from .main import Pregel

Effect = tuple[Any, ...]
Gen = Generator[Effect, Any, Any]


class PregelLoop:
    """All state of one run (one invoke/stream call) of one graph."""

    # why: immutable defaults live on the class, so starting a run assigns only what it sets
    _id_seed = ""
    _run_id: str | None = None
    trace_span: Any = None  # this run's span while tracing (see _trace)
    trace_step: Any = None  # the open superstep's span while tracing
    callback_run: Any = (
        None  # this run's langchain-core run manager while it has callbacks (see _callbacks)
    )
    step = 0
    stop = 0
    status = "pending"
    max_version: Any = None
    updated_channels: set[str] | None = None
    parent_checkpoint_config: dict[str, Any] | None = None
    resume_map: dict[str, Any] | None = None
    null_resume: Any = MISSING
    skip_done_tasks = False
    rerun_finished = False
    # True from the start of a run that continues its thread (input None or a Command on a saved
    # checkpoint) until its first superstep is applied; a subgraph started in that superstep
    # continues from its own checkpoint instead of taking its input afresh (as LangGraph does)
    resuming = False
    restored_parent_config: dict[str, Any] | None = (
        None  # the parent of the checkpoint started from
    )
    output_keys: Any = None  # stream/invoke(output_keys=...): the channels values and updates show
    unsaved = False
    # The newest checkpoint id of this thread+ns as far as this run knows ("" = none yet);
    # every put carries it so the saver can refuse a concurrent writer (compare-and-set).
    expected_head: str | None = None
    # The checkpoint this loop's versions and versions_seen extend (restored or last put; None
    # = none): they are its versions updated with those of unsaved_changes, and its versions
    # seen updated with seen_changed (an in-memory saver then keeps only those changes).
    skeleton_base: str | None = None
    # whether checkpoints hold this loop's own versions dicts, not copies, and its metadata
    # may be kept as is: only for a saver that copies what it keeps of them during the put
    # (LIVE_KEY), put at once (no writer, not "exit"), and a run whose metadata is plain JSON
    live_skeleton = False
    # how the driver runs I/O for task calls (functional API), set by the drivers
    event_loop: Any = None
    event_loop_thread: int | None = None
    handle_sync: Any = None
    handle_async: Any = None
    submit_sync: Any = None
    writer: Any = None  # set by a driver for durability="async" (see _writer.py)
    views: Any = None  # node inputs kept current between steps (_views.StateViews), made on demand
    # what the stream modes ask for (set by _want when any mode is streamed)
    want_values = want_updates = want_task_events = want_checkpoint_events = live_stream = False

    def __init__(
        self,
        graph: Pregel,
        *,
        input: Any,
        config: dict[str, Any],
        saver: Any,
        cache: Any,
        sink: StreamSink,
        runtime: Any,
        durability: str,
        interrupt_before: Any,
        interrupt_after: Any,
        checkpoint_ns: str = "",
        parent_task: Task | None = None,
    ) -> None:
        self.graph = graph
        self.input = input
        self.config = config
        self.saver = saver
        self.cache = cache
        self.sink = sink
        self.runtime = runtime
        self.durability = durability
        self.interrupt_before = interrupt_before
        self.interrupt_after = interrupt_after
        self.checkpoint_ns = checkpoint_ns
        self.parent_task = parent_task
        conf = config.get(CONF, {})
        self.thread_id = conf.get("thread_id")
        self.checkpoint_map: dict[str, str] = dict(conf.get("checkpoint_map") or {})
        self.recursion_limit = config.get("recursion_limit", DEFAULT_RECURSION_LIMIT)
        self.channels: dict[str, Any] = {}
        self.versions: dict[str, Any] = {}
        self.versions_seen: dict[str, dict[str, Any]] = {}
        # the versions_seen entries set since skeleton_base, in versions_seen's order
        self.seen_changed: dict[str, dict[str, Any]] = {}
        # channel -> its new version, for the channels whose version changed since the last
        # checkpoint was built / saved (in order: a channel new to ``versions`` comes after
        # the older ones); unsaved_changes is the next put's new_versions, handed over whole
        self.dirty: dict[str, Any] = {}
        self.unsaved_changes: dict[str, Any] = {}
        self.values_cache: dict[str, Any] = {}
        self.checkpoint: dict[str, Any] = {}
        self.checkpoint_config: dict[str, Any] = {}
        self.checkpoint_metadata: dict[str, Any] = {}
        self.pending_writes: list[tuple[str, str, Any]] = []
        self.saved_versions: dict[str, Any] = {}
        self.tasks: list[Task] = []
        self.interrupts: list[Interrupt] = []
        self.is_nested = parent_task is not None
        if saver is not None and durability != "exit":
            takes_live = getattr(type(saver), "_takes_live_skeleton", None)
            if takes_live is not None and takes_live():
                checkpointing = _checkpointing or _load_checkpointing()
                self.live_skeleton = checkpointing.run_metadata_is_plain(config)
        modes = sink.all_modes
        if modes:  # why: invoke streams nothing; the class defaults (all False) then hold
            self._want(modes, saver)
        # task calls (functional API): saved writes by task id
        self.saved_writes: dict[str, list[tuple[str, Any]]] = {}
        # durability="exit": the task writes made since the last checkpoint, saved at the end
        self.exit_writes: list[tuple[str, list[tuple[str, Any]]]] = []
        self.saved_calls: dict[tuple[str, int], str] = {}

    def _want(self, modes: set[str], saver: Any) -> None:
        self.want_values = "values" in modes
        self.want_updates = "updates" in modes
        self.want_task_events = "tasks" in modes or "debug" in modes
        self.want_checkpoint_events = saver is not None and (
            "checkpoints" in modes or "debug" in modes
        )
        # chunks produced while a node runs (tokens, custom) must reach the consumer live, so
        # even a lone task then runs beside the driver instead of inline
        self.live_stream = "messages" in modes or "custom" in modes
        if "messages" in modes:
            _messages.attach(self)  # stream_mode="messages": node-output messages, langchain tokens

    @property
    def run_id(self) -> str:
        """config["run_id"], else a random id drawn on first use (most runs never ask)."""
        if self._run_id is None:
            self._run_id = str(self.config.get("run_id") or os.urandom(16).hex())
        return self._run_id

    def current_checkpoint_id(self, step: int) -> str | None:
        """The id of the checkpoint the tasks of ``step`` run from. A run without a saver still
        names one per step (LangGraph's nodes see it in config and execution_info); drawn lazily,
        since most runs never ask."""
        cp_id = self.checkpoint_config.get(CONF, {}).get("checkpoint_id")
        if cp_id or self.saver is not None:
            return cp_id
        unsaved = self.__dict__.get("_unsaved_cp_id")
        if unsaved is None or unsaved[0] != step:
            from ..checkpoint._ids import new_checkpoint_id

            unsaved = self._unsaved_cp_id = (step, new_checkpoint_id(step))
        return unsaved[1]

    @property
    def id_seed(self) -> str:
        """What task ids derive from: the current checkpoint's id, else the run id."""
        return self._id_seed or self.run_id

    @id_seed.setter
    def id_seed(self, value: str) -> None:
        self._id_seed = value

    # ------------------------------------------------------------------ the run
    def run(self) -> Gen:
        """Drive the whole run; returns the final status ("done" or "interrupt")."""
        if self.saver is None or self.is_nested or self.thread_id is None:
            # why: no thread lease to hold, so the drivers talk to _run directly and every
            # effect crosses one generator frame fewer
            return self._run()
        return self._run_leased()

    def _run_leased(self) -> Gen:
        from . import _threads

        lease = _threads.acquire(self.saver, str(self.thread_id), self.checkpoint_ns)
        try:
            return (yield from self._run())
        finally:
            _threads.release(lease)

    def _run(self) -> Gen:
        steps = self._steps()
        return steps if _trace.TRACER is None else _trace.traced_run(self, steps)

    def _steps(self) -> Gen:
        try:
            yield from self._start()
            # one superstep per turn: plan, run, fold the writes in, checkpoint
            while (todo := self._next_tasks()) is not None:
                tasks = self.tasks
                _events.announce_step(self, tasks, todo)
                if self.cache is not None:
                    yield from self._cache_lookup(todo)
                    todo = [t for t in todo if not t.done]
                if todo:
                    if self.trace_span is not None:
                        _trace.start_step(self, todo)
                    yield ("run", todo)
                if self.graph.has_error_handlers:  # why: most graphs have none: no generator then
                    yield from _handlers.run_handlers(self, tasks)
                self._raise_failures(tasks)
                if self.cache is not None:
                    yield from self._cache_store(tasks)
                self._apply_step(tasks)
                self.resuming = False
                # a plain resume value answers the resumed step's tasks only (LangGraph keeps it
                # with that step's checkpoint): a task asking in a later step pauses
                self.null_resume = MISSING
                if self.saver is not None:
                    # why: the put is yielded here, not by a _save generator made per step
                    put = self._put_effect("loop", self.step)
                    if put is not None:
                        self._saved((yield put))
                if self.trace_step is not None:
                    _trace.end_step(self)
                self.step += 1
                self._interrupt_after(tasks)  # none: returns at once
        except GraphInterrupt as exc:
            yield from self._on_interrupt(exc)
            if self.is_nested:
                raise
            return "interrupt"
        except BaseException:
            if self.durability == "exit" and self.saver is not None and self.status != "pending":
                yield from self._flush_exit()
            raise
        # a subgraph run to its end under "exit" durability saves nothing (its parent's checkpoint
        # holds its result), unless it keeps a history of its own (checkpointer=True: no task id
        # in its namespace), as LangGraph
        keeps_own = not self.is_nested or NS_END not in self.checkpoint_ns
        if self.durability == "exit" and self.saver is not None and keeps_own:
            yield from self._flush_exit()
        self.status = "done"
        return "done"

    # ------------------------------------------------------------------ start
    def _start(self) -> Gen:
        saved = None
        if self.saver is not None:
            requested = self.config.get(CONF, {}).get("checkpoint_id")
            cfg = self._saver_config(requested)
            saved = yield ("get_tuple", cfg)
            if requested and not self.is_nested:
                latest = yield ("get_tuple", self._saver_config(None))
                self.expected_head = (
                    latest.config[CONF]["checkpoint_id"] if latest is not None else ""
                )
            else:
                self.expected_head = (
                    saved.config[CONF]["checkpoint_id"] if saved is not None else ""
                )
        self._restore(saved)
        inp = self.input
        if self.is_nested:
            resuming = bool(self.versions) and self.parent_task.loop.resuming  # type: ignore[union-attr]
        else:
            resuming = bool(self.versions) and (inp is None or isinstance(inp, Command))
        self.resuming = resuming
        if resuming and self.pending_writes:
            self._reapply_command_writes()
        if isinstance(inp, Command):
            yield from self._apply_command(inp)
        if resuming:
            yield from self._resume()
        elif inp is None:
            raise EmptyInputError(f"Received no input for {self.graph.input_channels_label}")
        else:
            self._apply_input(inp)
            if self.saver is not None:
                yield from self._save("input", step=self.step)
            else:
                self._save_unsaved("input", self.step)
            self.step += 1

    def _saver_config(self, checkpoint_id: str | None) -> dict[str, Any]:
        conf: dict[str, Any] = {"thread_id": self.thread_id, "checkpoint_ns": self.checkpoint_ns}
        if checkpoint_id and not self.is_nested:
            conf["checkpoint_id"] = checkpoint_id
        return {CONF: conf}

    def _restore(self, saved: Any) -> None:
        if saved is None:
            self._restore_blank()
            return
        cp = saved.checkpoint
        self.checkpoint_metadata = dict(saved.metadata or {})
        self.pending_writes = list(saved.pending_writes or [])
        self.checkpoint_config = saved.config
        self.parent_checkpoint_config = self.restored_parent_config = saved.parent_config
        values = cp.get("channel_values", {})
        self.channels = self.graph.restore_channels(values)
        self.versions = dict(cp.get("channel_versions", {}))
        self.max_version = max(self.versions.values()) if self.versions else None
        self.versions_seen = {k: dict(v) for k, v in cp.get("versions_seen", {}).items()}
        self.values_cache = {
            k: v for k, v in values.items() if k in self.channels and v is not MISSING
        }
        self.dirty, self.unsaved_changes, self.seen_changed = {}, {}, {}
        self.checkpoint = cp
        self.id_seed = cp.get("id") or ""
        self.skeleton_base = cp.get("id") or None
        for tid, ch, v in self.pending_writes:
            self.saved_writes.setdefault(tid, []).append((ch, v))
            if ch == CALL:
                self.saved_calls[(v[0], v[1])] = v[2]
        self._restore_previous()
        upd = cp.get("updated_channels")
        self.updated_channels = set(upd) if upd is not None else None
        self.step = self.checkpoint_metadata.get("step", -2) + 1
        self.stop = self.step + self.recursion_limit + 1

    def _restore_blank(self) -> None:
        """No checkpoint: every channel blank, no versions, step -1 next."""
        self.checkpoint = {"channel_values": {}, "channel_versions": {}, "versions_seen": {}}
        self.checkpoint_metadata = {"step": -2}
        self.pending_writes = []
        self.checkpoint_config = self._saver_config(None)
        self.channels = self.graph.restore_channels({})
        self.versions, self.versions_seen, self.values_cache = {}, {}, {}
        self.max_version = None
        self.dirty, self.unsaved_changes, self.seen_changed = {}, {}, {}
        self.id_seed = ""
        self.skeleton_base = None
        self._restore_previous()
        # why: blank channels hold nothing but what they hold while blank, so only those count as
        # "changed": the input step then expires and rescans just them instead of every channel
        self.updated_channels = self.graph.blank_available
        self.step = -1
        self.stop = self.step + self.recursion_limit + 1

    def _restore_previous(self) -> None:
        prev = self.channels.get(PREVIOUS)
        if prev is not None and prev.is_available():
            self.runtime = self.runtime.override(previous=prev.get())

    def _apply_command(self, cmd: Command) -> Gen:
        if cmd.resume is None and cmd.update is None and not cmd.goto:
            raise EmptyInputError("Received an empty Command: set resume, update or goto.")
        if cmd.resume is not None:
            self._check_resume(cmd.resume)
        writes = command_writes(cmd, self.graph)
        pseudo = self._input_task(writes)
        if writes:
            self._validate_sends(writes)
            nv = self._next_version()
            apply_writes(self, [pseudo], nv, new_step=False)  # pending tasks keep their triggers
            self.updated_channels = None  # rescan every node: the command may touch any trigger
        # a single resume value (not a map by interrupt id) is recorded too, under the null task,
        # as LangGraph does: a later run from this checkpoint (invoke(None)) still reads it
        record = writes if self.null_resume is MISSING else [*writes, (RESUME, self.null_resume)]
        if self.resuming and record and (effect := self._writes_effect(pseudo, record)) is not None:
            # recorded on the checkpoint resumed from, as LangGraph does: the state shows the
            # update even if the step pauses again, and a later resume applies it again
            yield effect

    def _reapply_command_writes(self) -> None:
        """Resuming: the writes of a Command given to an earlier, paused run of this step."""
        writes = [
            (ch, v) for tid, ch, v in self.pending_writes if tid == NULL_TASK_ID and ch != RESUME
        ]
        if writes:
            pseudo = self._input_task(writes)
            apply_writes(self, [pseudo], self._next_version(), new_step=False)
            self.updated_channels = None

    def _input_task(self, writes: list[tuple[str, Any]]) -> Task:
        """The pseudo task (the input node, under the null task id) that carries a Command's writes."""
        pseudo = Task(
            self, self.graph.input_node, INPUT, None, (INPUT,), (), step=self.step, id=NULL_TASK_ID
        )
        pseudo.writes = writes
        return pseudo

    def _check_resume(self, resume: Any) -> None:
        if self.saver is None:
            raise RuntimeError("Cannot use Command(resume=...) without checkpointer")
        pending = self._interrupts(answered=False)
        # why: a map may repeat ids answered earlier (LangGraph ignores them); only ids never
        # raised on this thread are refused
        pending_ids = [getattr(i, "id", None) for i in self._interrupts(answered=True)]
        if self.is_nested:
            pending_ids = []
        if isinstance(resume, dict) and resume and all(is_interrupt_id(k) for k in resume):
            unknown = [k for k in resume if k not in pending_ids]
            if unknown and not self.is_nested and not self._has_nested_interrupts():
                raise UnknownInterruptError(
                    f"Command(resume=...) names interrupt ids that are not pending on thread {self.thread_id!r}: "
                    f"{unknown}. Pending: {pending_ids}. Read them from graph.get_state(config).interrupts.",
                    reason="not_pending",
                    interrupt_ids=unknown,
                    pending_ids=pending_ids,
                )
            self.resume_map = dict(resume)
            return
        # one question counts once: a task's interrupt is also saved for the caller it bubbled through
        if len({getattr(i, "id", None) for i in pending}) > 1:
            raise RuntimeError(
                "When there are multiple pending interrupts, you must specify the interrupt id when resuming. "
                f"Pending interrupt ids: {pending_ids}; resume with Command(resume={{id: value, ...}})."
            )
        if not self.versions and not self.is_nested:
            raise UnknownInterruptError(
                f"Command(resume=...) was given but thread {self.thread_id!r} has no checkpoint to resume. "
                "Start the thread with an input first; resume after a run returned '__interrupt__'.",
                reason="not_pending",
                pending_ids=[],
            )
        self.null_resume = resume

    def _interrupts(self, *, answered: bool) -> list[Any]:
        """The interrupts of this checkpoint's tasks; ``answered=False``: of the tasks that have
        not finished since (the ones get_state lists)."""
        by_task: dict[str, list[tuple[str, Any]]] = {}
        for tid, ch, v in self.pending_writes:
            by_task.setdefault(tid, []).append((ch, v))
        return [
            i
            for writes in by_task.values()
            if answered or not is_finished(writes)
            for ch, v in writes
            if ch == INTERRUPT
            for i in (v if isinstance(v, (list, tuple)) else [v])
        ]

    def _has_nested_interrupts(self) -> bool:
        # an interrupt raised inside a subgraph is pending on the subgraph's own namespace; the
        # parent only sees its task failed with an interrupt write
        return any(w[1] == INTERRUPT for w in self.pending_writes)

    def _resume(self) -> Gen:
        # a static interrupt that already fired must not fire again
        self.versions_seen[INTERRUPT] = self.seen_changed[INTERRUPT] = dict(self.versions)
        self.skip_done_tasks = True
        if self.sink.wants("values"):
            self._emit_values()
        source = self.checkpoint_metadata.get("source")
        requested = self.config.get(CONF, {}).get("checkpoint_id")
        answering = isinstance(self.input, Command) and self.input.resume is not None
        # a resume addressed at a checkpoint the thread has moved past reruns its finished
        # tasks (their recorded answers still feed their interrupts), as LangGraph
        self.rerun_finished = bool(
            answering and requested and not self.is_nested and requested != self.expected_head
        )
        if (
            requested
            and source not in ("update", "fork")
            and not self.is_nested
            and self.saver is not None
            and not answering
        ):
            # time travel: replay from an old checkpoint forks history; a resume addressed at
            # one is no time travel (LangGraph): it continues from it, keeping its answers
            self.pending_writes = [
                w for w in self.pending_writes if w[1] not in (INTERRUPT, RESUME, ERROR)
            ]
            # the fork counts as a step of its own (LangGraph numbers it one past the checkpoint
            # replayed, and the replayed tasks run in the step after it)
            yield from self._save("fork", step=self.step)
            self.step += 1
        yield from ()

    def _apply_input(self, inp: Any) -> None:
        self._discard_pending()
        writes = input_writes(self.graph, inp)
        if not writes:
            raise EmptyInputError(f"Received no input for {self.graph.input_channels_label}")
        pseudo = Task(
            self, self.graph.input_node, INPUT, inp, (INPUT,), (), step=self.step, id=NULL_TASK_ID
        )
        pseudo.writes = writes
        self.updated_channels = apply_writes(self, [pseudo], self._next_version())
        self.pending_writes = []

    def _discard_pending(self) -> None:
        """Mark the triggers of every pending PULL task as seen: a new input restarts from START."""
        candidates = None  # known changes of the last step: the nodes subscribed to them
        updated = self.updated_channels
        if updated is not None and updated.isdisjoint(self.graph.trigger_channels):
            return  # no channel changed last step triggers a node or holds Sends: none is pending
        if self.updated_channels is None:
            # why: only a node subscribed to an available trigger can be pending; in a fresh run
            # (nothing restored) only triggers readable when blank can be, usually none
            channels, t2n = self.channels, self.graph.trigger_to_nodes
            fresh = not self.versions and not self.values_cache
            triggers = self.graph.blank_triggers if fresh else t2n
            names = {
                n
                for ch in triggers
                if (c := channels.get(ch)) is not None and c.is_available()
                for n in t2n[ch]
            }
            if not names:
                return
            candidates = [n for n in self.graph.nodes if n in names]
        for task in prepare_tasks(self, self.step, candidates):
            if not task.is_push:
                # copy-on-write, as everywhere: a saved checkpoint may share the inner dict
                seen = dict(self.versions_seen.get(task.name) or ())
                self.versions_seen[task.name] = self.seen_changed[task.name] = seen
                for ch in task.triggers:
                    if ch in self.versions:
                        seen[ch] = self.versions[ch]

    # ------------------------------------------------------------------ one superstep
    # why: plain methods, not generators: _run yields the step's effects itself, so a step
    # creates no generator objects (the per-step cost is what the engine is measured by)
    def _next_tasks(self) -> list[Task] | None:
        """Plan the next superstep: the tasks still to run (all in ``self.tasks``), None at the end."""
        if self.step > self.stop:
            self.status = "out_of_steps"
            if self.want_checkpoint_events:  # the last checkpoint saved is still streamed
                _events.emit_checkpoint(self, prepare_tasks(self, self.step))
            raise GraphRecursionError(
                f"Recursion limit of {self.recursion_limit} reached without hitting a stop condition. "
                "You can increase the limit by setting the `recursion_limit` config key.",
            )
        tasks = self.tasks = prepare_tasks(self, self.step)
        if self.want_checkpoint_events:
            _events.emit_checkpoint(self, tasks)
        if not tasks:
            self.status = "done"
            return None
        todo = tasks
        if self.skip_done_tasks:
            self._match_pending_writes(tasks)
            self.skip_done_tasks = False
            todo = [t for t in tasks if not t.done]
        if self.interrupt_before:
            self._interrupt_if(self.interrupt_before, tasks, "interrupt_before")
        control = self.runtime.control
        if control is not None and control.drain_requested:
            # after the breakpoint check (a resume passes it), before any task runs: the last
            # saved checkpoint is where a later invoke(None, config) picks the run up
            self.status = "draining"
            raise GraphDrained(control.drain_reason or "shutdown")
        return todo

    def _raise_failures(self, tasks: list[Task]) -> None:
        for t in tasks:
            if t.error is not None and not t.handled:
                break
        else:
            return
        failed = [
            t
            for t in tasks
            if t.error is not None and not t.handled and not isinstance(t.error, GraphInterrupt)
        ]
        if failed:
            self.status = "error"
            raise failed[0].error  # type: ignore[misc]
        # no other failure: every failed task was interrupted
        interrupts = tuple(
            i for t in tasks if isinstance(t.error, GraphInterrupt) for i in t.error.interrupts
        )
        raise GraphInterrupt(interrupts)

    def _apply_step(self, tasks: list[Task]) -> None:
        self.updated_channels = apply_writes(self, tasks, self._next_version())
        if self.pending_writes:
            self.pending_writes = []
        if self.want_values and self._output_changed():
            self._emit_values()

    # ------------------------------------------------------------------ task completion
    def task_done(self, task: Task) -> Effect | None:
        """Called by the driver as each task finishes; returns a put_writes effect or None."""
        task.done = True
        err = task.error
        if err is None:
            if self.want_updates and not task.node.hidden:
                _events.emit_updates(self, task)
            if self.want_task_events:
                _events.emit_task_result(self, task)
            if self.saver is None:
                return None  # why: without a saver nothing reads pending writes (_writes_effect)
            writes = task.writes or [(NO_WRITES, None)]
            if task.resume:
                writes = [*writes, (RESUME, list(task.resume))]
            return self._writes_effect(task, writes)
        if isinstance(err, GraphInterrupt):
            task.interrupts = tuple(err.interrupts)
            # a task call's interrupt bubbles up through its caller, which reports it (LangGraph
            # shows no result event for the call)
            if task.parent is None:
                if err.interrupts:
                    _events.emit_interrupt(self, task.interrupts)
                if self.sink.wants("tasks") or self.sink.wants("debug"):
                    _events.emit_task_result(self, task)
            writes = [(INTERRUPT, list(err.interrupts))]
            if task.resume:
                writes.append((RESUME, list(task.resume)))
            return self._writes_effect(task, writes)
        if isinstance(err, ParentCommand | GraphDrained):
            return None  # not a failure of the task: nothing to record, it runs again on resume
        if self.sink.wants("tasks") or self.sink.wants("debug"):
            _events.emit_task_result(self, task)
        writes = [(ERROR, _events.error_record(err))]
        if task.resume:  # the answers it got before failing are kept for its retry, as LangGraph
            writes.append((RESUME, list(task.resume)))
        return self._writes_effect(task, writes)

    def _writes_effect(self, task: Task, writes: list[tuple[str, Any]]) -> Effect | None:
        if self.saver is None:
            return None  # pending writes serve resuming and saving only
        task_id, pending = task.id, self.pending_writes
        for ch, v in writes:
            pending.append((task_id, ch, v))
        if self.durability == "exit":
            if task_id != NULL_TASK_ID:
                self.exit_writes.append((task_id, writes))
            return None
        return ("put_writes", self.checkpoint_config, writes, task_id, path_text(task.path))

    def _match_pending_writes(self, tasks: list[Task]) -> None:
        by_task: dict[str, list[tuple[str, Any]]] = {}
        for tid, ch, v in self.pending_writes:
            by_task.setdefault(tid, []).append((ch, v))
        # a Command(resume=...) given to this run: its answers replace what a failed task kept
        fresh_answer = self.resume_map is not None or self.null_resume is not MISSING
        if self.resume_map is None and self.null_resume is MISSING:
            null = [v for ch, v in by_task.get(NULL_TASK_ID, []) if ch == RESUME]
            if null:
                self.null_resume = null[-1]
        for task in tasks:
            writes = by_task.get(task.id)
            if not writes:
                continue
            if is_finished(writes) and not self.rerun_finished:
                task.writes = [
                    (ch, v) for ch, v in writes if ch not in (NO_WRITES, ERROR, INTERRUPT, RESUME)
                ]
                task.done = True
                continue
            if task.node.error_handler is not None and _handlers.restore_failure(task, writes):
                continue  # a recorded failure: its error handler runs in this step, not the node
            if fresh_answer and any(ch == ERROR for ch, _ in writes):
                continue  # it failed after its answers: the caller's new answer is the one meant
            for ch, v in writes:
                if ch == RESUME:
                    task.resume = list(v)

    # ------------------------------------------------------------------ interrupts
    def _interrupt_if(self, names: Any, tasks: Sequence[Task], status: str) -> None:
        """Static interrupt (interrupt_before / _after ``names``): stop the run with ``status``."""
        if self._should_interrupt(names, tasks):
            self.status = status
            raise GraphInterrupt(())

    def _interrupt_after(self, tasks: Sequence[Task]) -> None:
        """interrupt_after: stop once ``tasks`` ran; the checkpoint just saved is still
        streamed first (checkpoints/debug), with the tasks a resume would run next."""
        if self._should_interrupt(self.interrupt_after, tasks):
            if self.want_checkpoint_events:
                _events.emit_checkpoint(self, prepare_tasks(self, self.step))
            self.status = "interrupt_after"
            raise GraphInterrupt(())

    def _should_interrupt(self, names: Any, tasks: Sequence[Task]) -> bool:
        if not names:
            return False
        seen = self.versions_seen.get(INTERRUPT, {})
        changed = any(
            v > seen.get(ch, 0) if ch in seen else True for ch, v in self.versions.items()
        )
        if not changed:
            return False
        hit = any((not t.node.hidden) and (names == "*" or t.name in names) for t in tasks)
        if hit:
            self.versions_seen[INTERRUPT] = self.seen_changed[INTERRUPT] = dict(self.versions)
        return hit

    def _on_interrupt(self, exc: GraphInterrupt) -> Gen:
        self.status = "interrupt"
        self.interrupts = list(exc.interrupts)
        if self.durability == "exit" and self.saver is not None:
            yield from self._flush_exit()
        if self.is_nested:
            return  # each interrupted task already streamed its interrupts (task_done)
        # what finished, and what an interrupted task wrote before pausing (a conditional edge
        # may call interrupt() after the node's update), as LangGraph shows them
        done = [
            t
            for t in self.tasks
            if t.done and (t.error is None or isinstance(t.error, GraphInterrupt)) and t.writes
        ]
        if (
            done
            and self.status == "interrupt"
            and any(isinstance(t.error, GraphInterrupt) for t in self.tasks)
        ):
            # in memory only: the output, and one last values chunk, show them
            self.updated_channels = apply_writes(self, done, self._next_version())
            if self.want_values and self._output_changed():
                self._emit_values()
        if not exc.interrupts and self.sink.wants("updates"):
            self.sink.emit("updates", {INTERRUPT: ()})  # a breakpoint: no task streamed it

    # ------------------------------------------------------------------ checkpoints
    def _next_version(self) -> Any:
        # Invariant: self.max_version == max(self.versions.values()) (None when empty); every
        # bump in apply_writes uses the value returned here, so it stays the maximum.
        current = self.max_version
        if self.saver is not None:
            nv = self.saver.get_next_version(current, None)
        else:
            nv = 1 if current is None else current + 1
        self.max_version = nv
        return nv

    def _save_unsaved(self, source: str, step: int) -> None:
        # why: a plain method, so a run without a saver creates no generator to "save"
        self.checkpoint_metadata = {"source": source, "step": step}

    def _save(self, source: str, *, step: int) -> Gen:
        if self.saver is None:
            self._save_unsaved(source, step)
            return
        put = self._put_effect(source, step)
        if put is not None:
            self._saved((yield put))

    def _put_effect(self, source: str, step: int) -> Effect | None:
        """Make the checkpoint of ``step``; return its put (None: durability="exit" keeps it)."""
        checkpointing = _checkpointing or _load_checkpointing()
        cp = self.checkpoint = checkpointing.create_checkpoint(self, step)
        md = self.checkpoint_metadata = checkpointing.metadata_for(self, source, step)
        if self.durability == "exit":
            self.unsaved = True
            self.exit_writes = []  # they belonged to the checkpoint this one replaces
            self._advance_config(cp["id"])
            return None
        return ("put", self._with_head(self.checkpoint_config), cp, md, self._new_versions())

    def _saved(self, result: dict[str, Any]) -> None:
        """Note that the put of ``self.checkpoint`` stored it as ``result``."""
        cp_id = self.checkpoint["id"]
        parent = self.checkpoint_config
        self.expected_head = cp_id
        self.unsaved_changes = {}  # the put holds the last one (its new_versions)
        self.seen_changed = {}  # the put holds the last one
        self.skeleton_base = cp_id
        self.parent_checkpoint_config = (
            parent if parent.get(CONF, {}).get("checkpoint_id") else None
        )
        self.checkpoint_config = result
        self._id_seed = cp_id

    def _new_versions(self) -> dict[str, Any]:
        """Versions of the channels changed since the last put (the saver stores only those)."""
        return self.unsaved_changes  # why: kept current by create_checkpoint, no copy per put

    def _with_head(self, config: dict[str, Any]) -> dict[str, Any]:
        # FROZEN_KEY: this loop never changes a checkpoint's skeleton after its put (the
        # versions_seen inner dicts are copy-on-write), so an in-memory saver may keep it;
        # DELTA_KEY: what changed since skeleton_base, so it may keep only that (_frozen)
        conf = {**config.get(CONF, {}), FROZEN_KEY: True}
        if self.expected_head is not None:
            conf["__pregel_expected_head"] = self.expected_head
        if self.skeleton_base is not None:
            conf[DELTA_KEY] = (self.skeleton_base, self.seen_changed)
        if self.live_skeleton and self.writer is None:
            conf[LIVE_KEY] = True
        return {**config, CONF: conf} if len(config) > 1 else {CONF: conf}

    def _advance_config(self, checkpoint_id: str) -> None:
        parent = self.checkpoint_config
        self.parent_checkpoint_config = (
            parent if parent.get(CONF, {}).get("checkpoint_id") else None
        )
        conf = dict(parent.get(CONF, {}))
        conf["checkpoint_id"] = checkpoint_id
        self._exit_parent = getattr(self, "_exit_parent", parent)
        self.checkpoint_config = {CONF: conf}
        self.id_seed = checkpoint_id

    def _flush_exit(self) -> Gen:
        if not self.unsaved:
            # no new checkpoint (a resumed step paused or failed again): the writes this run
            # made go to the checkpoint it resumed, so its next resume sees them
            for tid, writes in self.exit_writes:
                yield ("put_writes", self.checkpoint_config, writes, tid, "")
            self.exit_writes = []
            return
        parent = getattr(self, "_exit_parent", self.checkpoint_config)
        new_versions = self._new_versions()
        result = yield (
            "put",
            self._with_head(parent),
            self.checkpoint,
            self.checkpoint_metadata,
            new_versions,
        )
        self.expected_head = self.skeleton_base = self.checkpoint["id"]
        self.unsaved_changes, self.seen_changed = {}, {}
        self.checkpoint_config = result
        self.unsaved = False
        by_task: dict[str, list[tuple[str, Any]]] = {}
        for tid, ch, v in self.pending_writes:
            by_task.setdefault(tid, []).append((ch, v))
        for tid, writes in by_task.items():
            yield ("put_writes", result, writes, tid, "")

    # ------------------------------------------------------------------ cache
    def _cache_lookup(self, tasks: list[Task]) -> Gen:
        from ._cache import cache_keys_for

        keyed = cache_keys_for(self, tasks)
        if not keyed:
            return
        found = yield ("cache_get", [k for k, _ in keyed])
        for key, task in keyed:
            hit = found.get(key)
            if hit is not None:
                task.writes = list(hit)
                task.cached = True
                task.done = True
                if self.sink.wants("updates"):
                    _events.emit_updates(self, task)
                # saved like any finished task's writes (LangGraph too): history shows the result
                effect = self._writes_effect(task, task.writes or [(NO_WRITES, None)])
                if effect is not None:
                    yield effect

    def _cache_store(self, tasks: list[Task]) -> Gen:
        pairs = {
            t.cache_key[0]: (t.writes, t.cache_key[1])
            for t in tasks
            if t.cache_key is not None and not t.cached and t.error is None
        }
        if pairs:
            yield ("cache_set", pairs)

    # ------------------------------------------------------------------ reading
    @property
    def values_keys(self) -> Any:
        """What values chunks (and the updates payloads) show: ``output_keys`` or the stream channels."""
        keys = self.output_keys
        return self.graph.stream_channels_asis if keys is None else keys

    def read_output(self) -> Any:
        out = self.graph.output_channels if self.output_keys is None else self.output_keys
        if isinstance(out, str):
            ch = self.channels.get(out)
            return ch.get() if ch is not None and ch.is_available() else None
        return read_channels(self.channels, out)

    def _output_changed(self) -> bool:
        upd = self.updated_channels or ()
        stream = self.values_keys
        if isinstance(stream, str):
            return stream in upd
        return any(ch in upd for ch in stream)

    def read_stream_values(self) -> Any:
        """The values a checkpoint shows: a single output channel still empty reads as None."""
        asis = self.graph.stream_channels_asis
        if isinstance(asis, str) and not self.channels[asis].is_available():
            return None
        return read_channels(self.channels, asis)

    def _emit_values(self) -> None:
        keys = self.values_keys
        if isinstance(keys, str) and not self.channels[keys].is_available():
            self.sink.emit("values", None)  # a single output channel still empty (LangGraph: None)
            return
        self.sink.emit("values", self.graph.map_output_values(read_channels(self.channels, keys)))

    def read_fresh(self, task: Task, select: Any) -> Any:
        """Read ``select`` as if only ``task``'s writes had been applied (for branches)."""
        from ._algo import managed_values

        keys = [select] if isinstance(select, str) else select
        touched = {ch for ch, _ in task.writes if ch in self.channels}
        local = dict(self.channels)
        for ch in touched & set(keys):
            c = self.channels[ch].copy()
            c.update([v for k, v in task.writes if k == ch])
            local[ch] = c
        managed = managed_values(self, task.step) if self.graph.managed else None
        return read_channels(local, select, managed)

    def task_config(self, task: Task) -> dict[str, Any]:
        from ._checkpoint import build_task_config

        return build_task_config(self, task)

    def _validate_sends(self, writes: list[tuple[str, Any]]) -> None:
        for ch, v in writes:
            if ch == TASKS and isinstance(v, Send):
                self.graph.validate_send(v, source="Command input")

    def child_ns_tuple(self, task: Task) -> tuple[str, ...]:
        return tuple(task.ns.split(NS_SEP))


_checkpointing: Any = None  # the ._checkpoint module, imported on the first save


def _load_checkpointing() -> Any:
    # why: a function-level import per step cost ~1 us; runs without a saver never load it
    global _checkpointing
    from . import _checkpoint

    _checkpointing = _checkpoint
    return _checkpoint


__all__ = ["PregelLoop", "START", "END", "RETURN"]
