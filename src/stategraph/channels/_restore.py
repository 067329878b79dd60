"""Build all of a graph's channels for one run in a single generated call.

Every run starts by making its own channel objects (a run never shares a channel with another
run), restored from the checkpoint's values or blank.  ``make_restorer(specs)`` returns
``restore(values) -> {name: channel}`` equal to
``{k: spec.from_checkpoint(values.get(k, MISSING)) for k, spec in specs.items()}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ._single import SingleValueChannel
from .base import MISSING, BaseChannel

__all__ = ["make_restorer"]

Restorer = Callable[[Mapping[str, Any]], dict[str, BaseChannel[Any, Any, Any]]]


def make_restorer(specs: Mapping[str, BaseChannel[Any, Any, Any]]) -> Restorer:
    # why: starting a run restored every channel through from_checkpoint -> _clone -> cloner,
    # three calls per channel; on small graphs that was a quarter of an invoke's fixed cost.
    # A channel kind keeping SingleValueChannel.from_checkpoint (a slot copy, then ``value``) is
    # inlined here; any other kind still calls its own from_checkpoint.
    namespace: dict[str, Any] = {"MISSING": MISSING}
    lines = ["def restore(values):", "    get = values.get"]
    names = []
    for i, (key, spec) in enumerate(specs.items()):
        cls = spec.__class__
        namespace[f"s{i}"], namespace[f"cls{i}"], namespace[f"new{i}"] = spec, cls, cls.__new__
        if cls.from_checkpoint is SingleValueChannel.from_checkpoint and not hasattr(spec, "__dict__"):
            lines.append(f"    c{i} = new{i}(cls{i})")
            lines.extend(f"    c{i}.{slot} = s{i}.{slot}" for slot in _copied_slots(spec) if slot != "value")
            lines.append(f"    c{i}.value = get({key!r}, MISSING)")
        else:
            lines.append(f"    c{i} = s{i}.from_checkpoint(get({key!r}, MISSING))")
        names.append(f"{key!r}: c{i}")
    lines.append("    return {" + ", ".join(names) + "}")
    # the source holds channel names only as string literals (repr) and slot names from classes
    exec("\n".join(lines) + "\n", namespace)
    return namespace["restore"]  # type: ignore[no-any-return]


def _copied_slots(spec: BaseChannel[Any, Any, Any]) -> list[str]:
    """The slots ``spec._clone()`` copies: every slot of its class that ``spec`` has set."""
    slots = (slot for klass in spec.__class__.__mro__ for slot in getattr(klass, "__slots__", ()))
    return [slot for slot in dict.fromkeys(slots) if hasattr(spec, slot)]
