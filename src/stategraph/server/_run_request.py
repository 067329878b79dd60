"""Turn a RunCreate body (server_api.md 1.3) into the arguments of one graph run."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from ..types import Command, Send
from ._http import ApiError, field
from ._webhooks import validate_webhook

__all__ = ["RunRequest", "parse_run_request", "STREAM_MODES"]

# server stream mode -> graph stream mode; the SSE event carries the graph mode's name, except
# that "messages" is folded into messages/metadata|partial|complete events (_message_stream.py)
STREAM_MODES = {
    "values": "values",
    "updates": "updates",
    "custom": "custom",
    "messages": "messages",
    "messages-tuple": "messages",  # [message chunk, metadata] pairs, event name "messages"
    "debug": "debug",
    "tasks": "tasks",
    "checkpoints": "checkpoints",
    "events": "events",  # astream_events (v2) dicts, one SSE "events" event each (_graph_call.py)
}
_STRATEGIES = ("reject", "enqueue", "interrupt", "rollback")


@dataclass(slots=True)
class RunRequest:
    """A validated run request; ``assistant_id`` is still unresolved (id or graph name)."""

    assistant_id: str
    input: Any = None
    command: Command | None = None
    config: dict[str, Any] = dc_field(default_factory=dict)
    context: dict[str, Any] | None = None
    metadata: dict[str, Any] = dc_field(default_factory=dict)
    interrupt_before: str | list[str] | None = None
    interrupt_after: str | list[str] | None = None
    stream_modes: list[str] = dc_field(default_factory=lambda: ["values"])
    stream_subgraphs: bool = False
    stream_resumable: bool = False
    if_not_exists: str = "reject"
    checkpoint_id: str | None = None
    durability: str | None = None
    kwargs: dict[str, Any] = dc_field(default_factory=dict)


def parse_run_request(body: dict[str, Any]) -> RunRequest:
    """Validate ``body`` key by key; a wrong type or value answers 422 naming the key."""
    assistant_id = field(body, "assistant_id", (str,))
    if not assistant_id:
        raise ApiError(422, "Body key 'assistant_id' is required (an assistant id or graph name).")
    if body.get("input") is not None and body.get("command") is not None:
        raise ApiError(422, "Body keys 'input' and 'command' are exclusive: send one of them.")
    strategy = field(body, "multitask_strategy", (str,), "enqueue")
    if strategy not in _STRATEGIES:
        raise ApiError(422, f"Body key 'multitask_strategy' must be one of {_STRATEGIES}.")
    validate_webhook(field(body, "webhook", (str,)))
    unsupported = [k for k in ("after_seconds",) if body.get(k) is not None]
    if unsupported:
        raise ApiError(422, f"Body key(s) {unsupported} are not supported by this server yet.")
    durability = field(body, "durability", (str,))
    if durability not in (None, "sync", "async", "exit"):
        raise ApiError(422, "Body key 'durability' must be 'sync', 'async' or 'exit'.")
    if_not_exists = field(body, "if_not_exists", (str,), "reject")
    if if_not_exists not in ("create", "reject"):
        raise ApiError(422, "Body key 'if_not_exists' must be 'create' or 'reject'.")
    return RunRequest(
        assistant_id=assistant_id,
        input=body.get("input"),
        command=_parse_command(field(body, "command", (dict,))),
        config=_parse_config(body),
        context=field(body, "context", (dict,)),
        metadata=field(body, "metadata", (dict,), {}),
        interrupt_before=_parse_interrupt_nodes(body, "interrupt_before"),
        interrupt_after=_parse_interrupt_nodes(body, "interrupt_after"),
        stream_modes=_parse_stream_modes(body),
        stream_subgraphs=field(body, "stream_subgraphs", (bool,), False),
        stream_resumable=field(body, "stream_resumable", (bool,), False),
        if_not_exists=if_not_exists,
        checkpoint_id=_parse_checkpoint_id(body),
        durability=durability,
        kwargs=body,
    )


def _parse_config(body: dict[str, Any]) -> dict[str, Any]:
    config = field(body, "config", (dict,), {})
    for key, types in (
        ("configurable", (dict,)),
        ("metadata", (dict,)),
        ("tags", (list,)),
        ("recursion_limit", (int,)),
    ):
        try:
            field(config, key, types)
        except ApiError as exc:
            raise ApiError(422, exc.detail.replace(f"key {key!r}", f"key 'config.{key}'")) from None
    return config


def _parse_interrupt_nodes(body: dict[str, Any], key: str) -> str | list[str] | None:
    value = field(body, key, (str, list))
    if isinstance(value, str) and value != "*":
        raise ApiError(422, f"Body key {key!r} must be '*' or a list of node names.")
    if isinstance(value, list) and not all(isinstance(v, str) for v in value):
        raise ApiError(422, f"Body key {key!r} must list node names as strings.")
    return value


def _parse_stream_modes(body: dict[str, Any]) -> list[str]:
    value = field(body, "stream_mode", (str, list), ["values"])
    modes = [value] if isinstance(value, str) else value
    unknown = [m for m in modes if m not in STREAM_MODES]
    if unknown or not modes:
        raise ApiError(
            422,
            f"Body key 'stream_mode' has unsupported mode(s) {unknown!r}; "
            f"this server streams {sorted(STREAM_MODES)}.",
        )
    return list(dict.fromkeys(modes))


def _parse_checkpoint_id(body: dict[str, Any]) -> str | None:
    checkpoint = field(body, "checkpoint", (dict,))
    if checkpoint is not None:
        return field(checkpoint, "checkpoint_id", (str,))
    return field(body, "checkpoint_id", (str,))


def _parse_command(raw: dict[str, Any] | None) -> Command | None:
    if raw is None:
        return None
    unknown = set(raw) - {"resume", "update", "goto"}
    if unknown:
        raise ApiError(422, f"Body key 'command' has unknown key(s) {sorted(unknown)}.")
    update = raw.get("update")
    if update is not None and not isinstance(update, dict | list):
        raise ApiError(422, "Body key 'command.update' must be an object or a list of pairs.")
    if isinstance(update, list):
        update = [tuple(pair) for pair in update]
    goto = raw.get("goto")
    return Command(resume=raw.get("resume"), update=update, goto=_parse_goto(goto))


def _parse_goto(goto: Any) -> Any:
    if goto is None:
        return ()
    if isinstance(goto, list):
        return [_parse_goto_target(item) for item in goto]
    return _parse_goto_target(goto)


def _parse_goto_target(target: Any) -> str | Send:
    if isinstance(target, str):
        return target
    if isinstance(target, dict) and isinstance(target.get("node"), str):
        return Send(target["node"], target.get("input"))
    raise ApiError(422, "Body key 'command.goto' takes node names or {'node', 'input'} objects.")
