"""Mapping between user values and channel writes: graph input, Command input, update shapes."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..constants import END, ROOT, TASKS
from ..types import Command, Send

if TYPE_CHECKING:
    from .main import Pregel


def update_as_tuples(update: Any) -> list[tuple[str, Any]]:
    """Turn a dict / list of pairs / model / dataclass / root value into (key, value) writes."""
    if update is None:
        return []
    if isinstance(update, dict):
        return list(update.items())
    if isinstance(update, (list, tuple)) and all(isinstance(x, tuple) and len(x) == 2 and isinstance(x[0], str) for x in update):
        return list(update)
    fields = getattr(type(update), "model_fields", None)
    if fields is not None and hasattr(update, "model_fields_set"):
        keys = update.model_fields_set or set(fields)
        return [(k, getattr(update, k)) for k in fields if k in keys]
    if dataclasses.is_dataclass(update) and not isinstance(update, type):
        return [
            (f.name, getattr(update, f.name))
            for f in dataclasses.fields(update)
            if getattr(update, f.name) is not _field_default(f)
        ]
    return [(ROOT, update)]


def _field_default(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    return object()


def goto_writes(goto: Any) -> list[tuple[str, Any]]:
    if isinstance(goto, (str, Send)):
        goto = [goto]
    writes: list[tuple[str, Any]] = []
    for g in goto or ():
        if isinstance(g, Send):
            writes.append((TASKS, g))
        elif isinstance(g, str):
            if g != END:
                writes.append((f"branch:to:{g}", None))
        else:
            raise TypeError(f"Command.goto entries must be node names or Send objects, got {g!r}")
    return writes


def command_writes(cmd: Command, graph: Pregel) -> list[tuple[str, Any]]:
    writes: list[tuple[str, Any]] = []
    if cmd.update is not None:
        writes.extend((k, v) for k, v in update_as_tuples(cmd.update) if k in graph.channels)
    writes.extend(goto_writes(cmd.goto))
    return writes


def input_writes(graph: Pregel, value: Any) -> list[tuple[str, Any]]:
    chans = graph.input_channels
    if isinstance(chans, str):
        return [(chans, value)]
    if not isinstance(value, dict):
        raise TypeError(f"Expected a dict input for channels {list(chans)!r}, got {value!r}")
    return [(k, v) for k, v in value.items() if k in chans]


__all__ = ["update_as_tuples", "goto_writes", "command_writes", "input_writes", "Sequence"]
