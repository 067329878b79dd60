"""Task: one scheduled execution of a node within a superstep, plus its scratchpad.

The task is also what ``get_config()``, ``interrupt()`` and ``get_runtime()`` find through the
context variable while it runs.  Its id, namespace and config are computed lazily: most runs never
look at them, and hashing them for every step would dominate the per-step cost.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ..constants import CONF, CONFIG_KEY_CHECKPOINT_NS, NS_END, NS_SEP, PULL, PUSH
from ._ids import task_id, task_id_of

if TYPE_CHECKING:
    from ._loop import PregelLoop
    from ._node import PregelNode


class Task:
    # why: the eight fields every task sets are slots; the rarely-set ones default on the class
    # and, once set, live in the instance dict (created only then): creating a task (once per
    # node per step) stays cheap.
    __slots__ = ("loop", "node", "name", "input", "path", "triggers", "step", "writes", "__dict__")
    _id: str | None = None
    _config: dict[str, Any] | None = None
    _ns: str | None = None
    _runtime: Any = None
    _timeout: Any = None
    resume: list[Any] | None = None
    interrupt_index = 0
    call_index = 0
    cache_key: Any = None
    error: BaseException | None = None
    interrupts: tuple[Any, ...] = ()
    cached = False
    attempt = 1
    first_attempt_at: float | None = None  # time.time() when the first attempt's runtime was made
    done = False
    parent: Task | None = None
    call: Any = None
    subgraph_counter = 0
    node_error: Any = None  # an error handler's task: the NodeError it handles
    handled = False  # a failed task whose error handler ran instead of failing the run
    restored_error = False  # its error was read back from a saved ERROR write (on resume)

    # why: ``step`` may be passed by position: the planner creates a task per node per step,
    # and a keyword argument makes that call ~50 % slower
    def __init__(
        self,
        loop: PregelLoop,
        node: PregelNode,
        name: str,
        value: Any,
        path: tuple[Any, ...],
        triggers: tuple[str, ...],
        step: int,
        *,
        id: str | None = None,
    ) -> None:
        self.loop = loop
        self.node = node
        self.name = name
        self.input = value
        self.path = path
        self.triggers = triggers
        self.step = step
        self.writes: list[tuple[str, Any]] = []
        if id is not None:
            self._id = id

    @property
    def timeout(self) -> Any:
        """This task's TimeoutPolicy: its Send's if given, else its node's."""
        own = self._timeout
        return self.node.timeout if own is None else own

    @timeout.setter
    def timeout(self, value: Any) -> None:
        self._timeout = value

    # -- identity -------------------------------------------------------------------------
    @property
    def id(self) -> str:
        if self._id is None:
            loop = self.loop
            path = self.path
            if len(path) == 2 and path[0] == PULL:
                # why: the per-step case (a saver keys every task's writes by id): the part
                # after the step depends only on the node, so it is joined once per node
                key = (self.name, path, self.triggers)
                tail = _PULL_TAILS.get(key)
                if tail is None:
                    tail = _pull_tail(*key)
                text = f"{loop.id_seed}\x1f{loop.checkpoint_ns}\x1f{self.step}\x1f{tail}"
                self._id = task_id_of(text)
            else:
                parts = [loop.id_seed, loop.checkpoint_ns, str(self.step), self.name]
                parts.extend(_path_parts(path))
                if path and path[0] == PULL:
                    parts.extend(sorted(self.triggers))
                self._id = task_id(*parts)
        return self._id

    @property
    def ns(self) -> str:
        """This task's checkpoint namespace: ``{parent_ns|}{name}:{task_id}``; a task call's
        parent is the task that called it."""
        if self._ns is None:
            # a task call lives under the task that called it (LangGraph's namespaces)
            base = self.parent.ns if self.parent is not None else self.loop.checkpoint_ns
            own = f"{self.name}{NS_END}{self.id}"
            self._ns = f"{base}{NS_SEP}{own}" if base else own
        return self._ns

    @property
    def is_push(self) -> bool:
        return bool(self.path) and self.path[0] == PUSH

    # -- what nodes see ---------------------------------------------------------------------
    @property
    def runtime(self) -> Any:
        """The run's Runtime with this attempt's ``execution_info`` (built on first use)."""
        if self._runtime is None:
            loop = self.loop
            if self.first_attempt_at is None:
                self.first_attempt_at = time.time()
            run_id = loop.config.get("run_id")  # config["run_id"] only, as in LangGraph
            self._runtime = loop.runtime.patch_execution_info(
                checkpoint_id=loop.current_checkpoint_id(self.step),
                checkpoint_ns=self.ns,
                task_id=self.id,
                thread_id=loop.thread_id,
                run_id=str(run_id) if run_id else None,
                node_attempt=self.attempt,
                node_first_attempt_time=self.first_attempt_at,
            )
            if self.parent is not None and loop.sink.wants("custom"):
                # a task call's custom chunks come from the namespace of the task that called it
                ns, sink = tuple(self.parent.ns.split(NS_SEP)), loop.sink
                self._runtime = self._runtime.override(
                    stream_writer=lambda value: sink.emit_under(ns, "custom", value)
                )
        return self._runtime

    @runtime.setter
    def runtime(self, value: Any) -> None:
        self._runtime = value

    @property
    def config(self) -> dict[str, Any]:
        if self._config is None:
            self._config = self.loop.task_config(self)
        return self._config

    def send(self, writes: list[tuple[str, Any]]) -> None:
        self.writes.extend(writes)

    def read_fresh(self, select: Any) -> Any:
        """State as this task sees it after its own writes (for conditional edges)."""
        return self.loop.read_fresh(self, select)

    def checkpoint_ns_config(self) -> dict[str, Any]:
        return {CONF: {CONFIG_KEY_CHECKPOINT_NS: self.ns}}

    def __repr__(self) -> str:
        return f"Task(name={self.name!r}, path={self.path!r}, step={self.step})"


# (name, path, triggers) of a PULL task -> the id parts after its step, joined; and the path
# as stored beside its writes (``path_text``).  Bounded: cleared when it outgrows any graph.
_PULL_TAILS: dict[tuple[str, tuple[Any, ...], tuple[str, ...]], str] = {}
_PATH_TEXTS: dict[tuple[Any, ...], str] = {}
_CACHE_LIMIT = 4096


def _pull_tail(name: str, path: tuple[Any, ...], triggers: tuple[str, ...]) -> str:
    if len(_PULL_TAILS) >= _CACHE_LIMIT:
        _PULL_TAILS.clear()
    tail = _PULL_TAILS[(name, path, triggers)] = "\x1f".join(
        [name, *_path_parts(path), *sorted(triggers)]
    )
    return tail


def path_text(path: tuple[Any, ...]) -> str:
    """The task path stored with its writes: its non-tuple parts joined by ``~``."""
    pull = len(path) == 2 and path[0] == PULL  # why: PULL paths repeat every step: kept
    text = _PATH_TEXTS.get(path) if pull else None
    if text is None:
        text = "~".join(str(p) for p in path if not isinstance(p, (tuple, bool)))
        if pull:
            if len(_PATH_TEXTS) >= _CACHE_LIMIT:
                _PATH_TEXTS.clear()
            _PATH_TEXTS[path] = text
    return text


def _path_parts(path: tuple[Any, ...]) -> list[str]:
    out: list[str] = []
    for p in path:
        if isinstance(p, bool):
            continue  # the "no call" flag of a Send task's path (PUSH, idx, False): not identity
        if isinstance(p, tuple):
            out.extend(_path_parts(p))
        elif isinstance(p, (str, int)):
            out.append(str(p))
        else:
            out.append(type(p).__name__)
    return out


def path_sort_key(path: tuple[Any, ...]) -> tuple[Any, ...]:
    """Order tasks by path with integers zero-padded, so apply order is deterministic."""
    # why: a loop, not a generator expression: a fan-out step sorts one key per Send
    key = []
    for p in path[:3]:
        if isinstance(p, int):
            key.append(f"{p:010d}")
        elif isinstance(p, tuple):
            key.append("~".join(path_sort_key(p)))
        else:
            key.append(str(p))
    return tuple(key)
