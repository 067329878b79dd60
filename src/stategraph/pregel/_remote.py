"""What RemoteGraph does between HTTP calls, written once for its sync and async methods.

``RemoteCall`` plans one call (the config and stream modes sent, the input or resume command)
and decodes the server's SSE parts into the chunks ``stream`` yields. Called inside a parent
graph's task it also forwards the remote chunks into the parent's stream, and turns the
remote thread's interrupts into interrupts of the parent task, so that resuming the parent
resumes the remote thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..constants import CONF, CONFIG_KEY_TASK_ID, NS_SEP
from ..errors import ErrorCode, StategraphError
from ..types import Command, Interrupt, PregelTask, Send, StateSnapshot
from ._context import CURRENT_TASK
from ._interrupt import interrupt

__all__ = ["RemoteCall", "RemoteException", "command_body", "sanitize_config", "to_snapshot"]

_CONFIG_KEYS = ("tags", "metadata", "recursion_limit", "configurable", "run_name")
# storage addresses of the caller's own checkpoints: meaningless on the remote server
_DROPPED = ("checkpoint_ns", "checkpoint_map", "checkpoint_id")


class RemoteException(StategraphError):
    """The remote run failed; ``error`` is the remote exception's class name.

    ``RemoteGraph.invoke``/``stream`` raise it when the server reports that the run
    errored (see ``RemoteGraph`` for a full example); ``message`` is the remote
    exception's message.

    Examples:
        >>> from stategraph.pregel.remote import RemoteException
        >>> error = RemoteException("ValueError", "x must not be negative", assistant_id="counter")
        >>> print(error)
        Remote graph 'counter' failed with ValueError: x must not be negative [E...]
        >>> error.error, error.message, error.code.name
        ('ValueError', 'x must not be negative', 'SERVER_REMOTE_FAILED')
    """

    code = ErrorCode.SERVER_REMOTE_FAILED

    def __init__(self, error: str, message: str, *, assistant_id: str) -> None:
        super().__init__(f"Remote graph {assistant_id!r} failed with {error}: {message}")
        self.error = error
        self.message = message
        self.assistant_id = assistant_id


def sanitize_config(config: dict[str, Any]) -> dict[str, Any]:
    """Keep the JSON-safe part of a config the server accepts; drop engine wiring."""
    out = _json_safe({k: config[k] for k in _CONFIG_KEYS if config.get(k) is not None})
    configurable = out.get("configurable")
    out["configurable"] = {
        k: v
        for k, v in (configurable if isinstance(configurable, dict) else {}).items()
        if not k.startswith("__") and k not in _DROPPED
    }
    return out


_UNSAFE = object()  # marks a value JSON cannot carry (callbacks, savers, stream sinks...)


def _json_safe(value: Any) -> Any:
    """``value`` with every part JSON cannot carry left out (``_UNSAFE`` if nothing is left)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        pairs = ((str(k), _json_safe(v)) for k, v in value.items())
        return {k: v for k, v in pairs if v is not _UNSAFE}
    if isinstance(value, list | tuple):
        return [v for v in (_json_safe(v) for v in value) if v is not _UNSAFE]
    return _UNSAFE


def command_body(command: Command) -> dict[str, Any]:
    """The JSON ``command`` of a run request."""
    body: dict[str, Any] = {}
    if command.resume is not None:
        body["resume"] = command.resume
    if command.update is not None:
        update = command.update
        body["update"] = [list(pair) for pair in update] if isinstance(update, list) else update
    goto = command.goto
    if goto:
        targets = goto if isinstance(goto, list | tuple) else [goto]
        body["goto"] = [_goto(t) for t in targets]
    return body


def _goto(target: Any) -> Any:
    return {"node": target.node, "input": target.arg} if isinstance(target, Send) else target


def _interrupts(raw: Any) -> tuple[Interrupt, ...]:
    items = raw if isinstance(raw, list | tuple) else [raw]
    return tuple(
        Interrupt(value=i.get("value"), id=i.get("id") or "")
        if isinstance(i, dict)
        else Interrupt(value=i)
        for i in items
    )


def _config_of(checkpoint: dict[str, Any] | None) -> dict[str, Any] | None:
    return {"configurable": dict(checkpoint)} if checkpoint else None


def to_snapshot(state: dict[str, Any]) -> StateSnapshot:
    """A server ThreadState as the StateSnapshot a local graph's ``get_state`` returns."""
    tasks = tuple(
        PregelTask(
            id=task["id"],
            name=task["name"],
            path=(),
            error=task.get("error"),
            interrupts=_interrupts(task.get("interrupts") or []),
            state=to_snapshot(task["state"])
            if isinstance(task.get("state"), dict)
            else _config_of(task.get("checkpoint")),
            result=task.get("result"),
        )
        for task in state.get("tasks") or []
    )
    return StateSnapshot(
        values=state.get("values"),
        next=tuple(state.get("next") or ()),
        config=_config_of(state.get("checkpoint")) or {"configurable": {}},
        metadata=state.get("metadata"),
        created_at=state.get("created_at"),
        parent_config=_config_of(state.get("parent_checkpoint")),
        tasks=tasks,
        interrupts=_interrupts(state.get("interrupts") or []),
    )


def pending_interrupts(state: dict[str, Any]) -> list[Interrupt]:
    """The interrupts a remote thread waits on (none when it is not interrupted)."""
    return list(_interrupts(state.get("interrupts") or []))


class RemoteCall:
    """One ``stream``/``invoke`` of a RemoteGraph: its request, and the decoding of its parts."""

    def __init__(
        self,
        assistant_id: str,
        config: dict[str, Any],
        input: Any,
        stream_mode: Any,
        *,
        subgraphs: bool,
    ) -> None:
        self.assistant_id = assistant_id
        task = CURRENT_TASK.get()
        nested = task is not None and CONFIG_KEY_TASK_ID in config.get(CONF, {})
        self.task = task if nested else None
        # chunks the parent graph streams with subgraphs=True go there under our namespace
        self.forward = task.loop.sink.child_forward() if self.task is not None else None
        self.caller_ns = tuple(task.ns.split(NS_SEP)) if self.task is not None else ()
        self.config = sanitize_config(config)
        self.thread_id = self.config["configurable"].get("thread_id")
        self.checkpoint_id = None if nested else config.get(CONF, {}).get("checkpoint_id")
        self.single = isinstance(stream_mode, str)
        self.requested = [stream_mode] if self.single else list(stream_mode)
        self.subgraphs = subgraphs
        self.input, self.command = (
            (None, command_body(input)) if isinstance(input, Command) else (input, None)
        )
        self.pending: tuple[Interrupt, ...] = ()
        self._stored_left = 0
        if self.task is not None:
            # answers the task holds beyond what ran so far belong to interrupts this call
            # forwarded earlier; the remote thread has consumed them already
            self._stored_left = max(len(self.task.resume or ()) - self.task.interrupt_index, 0)

    @property
    def needs_remote_state(self) -> bool:
        """True when the remote thread's pending interrupts decide what to send."""
        return self.task is not None and self.thread_id is not None and self.command is None

    def server_modes(self) -> list[str]:
        """Stream modes to ask for: the requested ones, the parent's, and updates (interrupts)."""
        modes = [*self.requested, *(sorted(self.forward.modes) if self.forward else ()), "updates"]
        server = ["messages-tuple" if m == "messages" else m for m in modes]
        return list(dict.fromkeys(server))

    def request(self) -> dict[str, Any]:
        """Keyword arguments of ``client.runs.stream`` for the next round."""
        kwargs: dict[str, Any] = {
            "thread_id": self.thread_id,
            "assistant_id": self.assistant_id,
            "config": self.config,
            "stream_mode": self.server_modes(),
            "stream_subgraphs": self.subgraphs or self.forward is not None,
        }
        if self.command is not None:
            kwargs["command"] = self.command
        else:
            kwargs["input"] = self.input
        if self.thread_id is not None:
            kwargs["if_not_exists"] = "create"
        if self.checkpoint_id is not None:
            kwargs["checkpoint_id"] = self.checkpoint_id
        self.pending = ()
        return kwargs

    def resume_from(self, state: dict[str, Any] | None) -> None:
        """Given the remote thread's state: resume its pending interrupt with the parent's answer.

        Raises the parent task's GraphInterrupt when the parent has no answer yet.
        """
        pending = pending_interrupts(state) if state else []
        if not pending:
            return
        for _ in range(self._stored_left):
            interrupt(None)  # replays a stored answer; never raises
        self._stored_left = 0
        self._answer(pending)

    def _answer(self, pending: list[Interrupt]) -> None:
        answer = interrupt(pending[0].value)
        # one answer per round: each stored answer maps to exactly one remote resume. By id:
        # a thread whose parallel nodes paused may count an answered one as still pending
        resume = {pending[0].id: answer} if pending[0].id else answer
        self.input, self.command = None, {"resume": resume}

    def next_round(self) -> bool:
        """After a round: when nested and the remote thread is interrupted, ask the parent.

        Returns True (send another round) when the parent already holds the answer.
        """
        if self.task is None or not self.pending:
            return False
        self._answer(list(self.pending))
        return True

    def feed(self, event: str, data: Any) -> Iterator[Any]:
        """Decode one SSE part into the chunks to yield (none for bookkeeping events)."""
        if event in ("metadata", "end"):
            return
        if event == "error":
            error = data if isinstance(data, dict) else {"error": "Error", "message": str(data)}
            raise RemoteException(
                str(error.get("error")), str(error.get("message")), assistant_id=self.assistant_id
            )
        mode, *parts = event.split(NS_SEP)
        namespace = tuple(parts)
        payload = self._decode(mode, data)
        if mode == "updates" and not namespace and isinstance(data, dict):
            if "__interrupt__" in data:  # parallel nodes may pause in separate chunks
                self.pending += payload["__interrupt__"]
        if self.forward is not None and mode in self.forward.modes:
            self.forward.put((self.caller_ns + namespace, mode, payload))
        if mode not in self.requested or (namespace and not self.subgraphs):
            return
        if self.subgraphs:
            yield (namespace, payload) if self.single else (namespace, mode, payload)
        else:
            yield payload if self.single else (mode, payload)

    @staticmethod
    def _decode(mode: str, data: Any) -> Any:
        if mode == "messages" and isinstance(data, list) and len(data) == 2:
            return tuple(data)
        if mode in ("values", "updates") and isinstance(data, dict) and "__interrupt__" in data:
            return {**data, "__interrupt__": _interrupts(data["__interrupt__"])}
        return data
