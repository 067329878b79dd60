"""Turning tool results into messages, and keeping the history valid when tools return Commands.

The strict rule every provider enforces: each tool call of an AI message is answered by exactly
one tool message.  ``fold_parent_command`` keeps it when a handoff (``Command(graph=PARENT)``)
leaves the subgraph: the answers of the other calls of the same AI message travel with it.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from ..graph.message import REMOVE_ALL_MESSAGES
from ..messages import ToolMessage, is_message, to_langchain
from ..messages._langchain import langchain_loaded
from ..types import Command

__all__ = ["tool_message", "result_to_output", "fold_parent_command", "answered_call_ids"]


def tool_message(content: Any, *, name: str, tool_call_id: str, status: str = "success") -> Any:
    """A tool message in the process's message model (langchain-core once it is imported)."""
    msg = ToolMessage(content, name=name, tool_call_id=tool_call_id, status=status)  # type: ignore[arg-type]
    return to_langchain(msg) if langchain_loaded() else msg


# the content-block kinds a tool message may carry as they are (langchain-core's list)
CONTENT_BLOCK_TYPES = frozenset(
    {"text", "image_url", "image", "json", "search_result", "custom_tool_call_output", "document", "file"}
)


def _content(result: Any) -> Any:
    """A tool result as message content: text and content blocks as they are, anything else as JSON."""
    if isinstance(result, str):
        return result
    if isinstance(result, list) and all(isinstance(b, dict) and b.get("type") in CONTENT_BLOCK_TYPES for b in result):
        return result
    try:
        return json.dumps(result, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(result)


def _is_tool_message(value: Any) -> bool:
    return is_message(value) and getattr(value, "type", None) == "tool"


def _update_messages(cmd: Command, key: str) -> list[Any]:
    update = cmd.update
    if isinstance(update, dict):
        value = update.get(key)
    elif isinstance(update, (list, tuple)):
        value = [v for k, v in update if k == key]  # type: ignore[misc]
        value = value[-1] if value else None
    else:
        value = None
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def answered_call_ids(cmd: Command, key: str) -> set[str]:
    return {m.tool_call_id for m in _update_messages(cmd, key) if _is_tool_message(m)}


def result_to_output(result: Any, call: dict[str, Any], key: str) -> Any:
    """A tool's return value -> a tool message, or the Command / message it returned."""
    if isinstance(result, Command):
        if result.graph is None:
            return _answered_locally(result, call, key, required=True)
        if result.graph == Command.PARENT:
            _check_answered(result, call, key)
        return result
    if _is_tool_message(result):
        return result
    if isinstance(result, list) and result and all(isinstance(r, Command) or _is_tool_message(r) for r in result):
        return _checked_list(result, call, key)
    return tool_message(_content(result), name=call["name"], tool_call_id=call.get("id") or "")


def _checked_list(results: list[Any], call: dict[str, Any], key: str) -> list[Any]:
    """A list of Commands / tool messages must answer the call exactly once (as LangGraph checks)."""
    answers = sum(
        1 for r in results for m in ([r] if _is_tool_message(r) else _update_messages(r, key))
        if _is_tool_message(m) and m.tool_call_id == call.get("id"))
    if answers != 1:
        raise ValueError(
            f"Tool {call['name']!r} returned a list with {answers} tool messages for its call "
            f"{call.get('id')!r}; it must hold exactly one: add or remove ToolMessage(..., tool_call_id=...).")
    return [_answered_locally(r, call, key, required=False) if isinstance(r, Command) and r.graph is None else r
            for r in results]


def _answered_locally(cmd: Command, call: dict[str, Any], key: str, *, required: bool) -> Command:
    """A Command for this graph: its tool message for the call is named after the tool.

    Unless it has no update or removes every message, it must answer the call (``required``).
    """
    if not isinstance(cmd.update, (dict, list, tuple)):
        return cmd  # e.g. Command(goto=...) alone: nothing to check, as in LangGraph
    messages = _update_messages(cmd, key)
    if len(messages) == 1 and getattr(messages[0], "type", None) == "remove" \
            and messages[0].id == REMOVE_ALL_MESSAGES:
        return cmd
    answered, named = False, []
    for m in messages:
        if _is_tool_message(m) and m.tool_call_id == call.get("id"):
            answered = True
            if m.name != call["name"]:
                m = copy.copy(m)
                m.name = call["name"]
        named.append(m)
    if required and not answered:
        raise ValueError(
            f"Tool {call['name']!r} returned a Command whose update has no ToolMessage answering its tool "
            f"call {call.get('id')!r}. Every tool call in the history must be answered: add "
            "ToolMessage(content, tool_call_id=<the call id>) to Command.update's messages."
        )
    return _with_messages(cmd, key, named) if messages else cmd


def _check_answered(cmd: Command, call: dict[str, Any], key: str) -> None:
    """A handoff that carries the calling AI message must carry its answer too."""
    update = cmd.update
    has_messages = (isinstance(update, dict) and key in update) or (
        isinstance(update, (list, tuple)) and any(k == key for k, _ in update))
    carries_call = any(
        getattr(m, "type", None) == "ai" and any(c.get("id") == call.get("id") for c in m.tool_calls)
        for m in _update_messages(cmd, key))  # a handoff that leaves the calling message out needs no answer
    if has_messages and carries_call and call.get("id") not in answered_call_ids(cmd, key):
        raise ValueError(
            f"Tool {call['name']!r} returned a Command whose update has no ToolMessage answering its tool "
            f"call {call.get('id')!r}. Every tool call in the history must be answered: add "
            "ToolMessage(content, tool_call_id=<the call id>) to Command.update's messages."
        )


def _with_messages(cmd: Command, key: str, messages: list[Any]) -> Command:
    update = cmd.update
    if isinstance(update, dict):
        new_update: Any = {**update, key: messages}
    elif isinstance(update, (list, tuple)):
        new_update = [(k, v) for k, v in update if k != key] + [(key, messages)]
    else:
        new_update = {key: messages}
    return dataclasses.replace(cmd, update=new_update)


def fold_parent_command(outputs: Sequence[Any], calls: Sequence[dict[str, Any]], key: str) -> Command:
    """One ``Command(graph=PARENT)`` answering every call of this turn, in call order.

    The first parent command wins; later ones are answered with an error message instead of
    handing off twice.  Local commands' tool messages are kept; their other updates are dropped
    because the subgraph they would apply to is being left.
    """
    first = next(i for i, o in enumerate(outputs) if isinstance(o, Command) and o.graph == Command.PARENT)
    winner: Command = outputs[first]
    answers: list[Any] = []
    for i, (out, call) in enumerate(zip(outputs, calls, strict=True)):
        if isinstance(out, Command) and out.graph == Command.PARENT and i != first:
            answers.append(tool_message(
                f"Error: not executed. '{calls[first]['name']}' already hands off this turn; "
                "call one handoff tool at a time.",
                name=call["name"], tool_call_id=call.get("id") or "", status="error"))
        elif isinstance(out, Command):
            answers.extend(m for m in _update_messages(out, key) if _is_tool_message(m)
                           and m.tool_call_id == call.get("id"))
        elif _is_tool_message(out):
            answers.append(out)
    call_ids = {c.get("id") for c in calls}
    kept = [m for m in _update_messages(winner, key) if not (_is_tool_message(m) and m.tool_call_id in call_ids)]
    carried = any(getattr(m, "type", None) == "ai" and {c.get("id") for c in m.tool_calls} & call_ids for m in kept)
    if not carried and winner.update is not None:
        answers = []  # the handoff left the calling AI message out: its answers would be orphans
    return _with_messages(winner, key, kept + answers)
