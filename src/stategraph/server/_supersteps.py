"""``supersteps`` on ``POST /threads``: validate them, then apply them as ``bulk_update_state``.

Each superstep is ``{"updates": [{"values", "command", "as_node"}]}``; an update's
``command`` (``update``/``goto``/``resume``, as a run's) stands for its values.
"""

from __future__ import annotations

from typing import Any

from ..types import StateUpdate
from ._http import ApiError
from ._run_request import _parse_command

__all__ = ["parse_supersteps"]


def parse_supersteps(raw: Any) -> list[list[StateUpdate]]:
    """The body's ``supersteps`` as lists of ``StateUpdate``; answer 422 naming a bad key."""
    if not isinstance(raw, list) or not raw:
        raise ApiError(422, "Body key 'supersteps' must be a non-empty list of {'updates': [...]}.")
    steps = []
    for i, step in enumerate(raw):
        where = f"supersteps[{i}].updates"
        updates = step.get("updates") if isinstance(step, dict) else None
        if not isinstance(updates, list) or not updates:
            raise ApiError(422, f"Body key {where!r} must be a non-empty list of updates.")
        steps.append([_update(u, f"{where}[{j}]") for j, u in enumerate(updates)])
    return steps


def _update(raw: Any, where: str) -> StateUpdate:
    if not isinstance(raw, dict):
        raise ApiError(422, f"Body key {where!r} must be an object {{values, command, as_node}}.")
    unknown = set(raw) - {"values", "command", "as_node", "task_id"}
    if unknown:
        raise ApiError(422, f"Body key {where!r} has unknown key(s) {sorted(unknown)}.")
    as_node = raw.get("as_node")
    if as_node is not None and not isinstance(as_node, str):
        raise ApiError(422, f"Body key '{where}.as_node' must be a node name, got {as_node!r}.")
    values = raw.get("values")
    if raw.get("command") is not None:
        if not isinstance(raw["command"], dict):
            raise ApiError(422, f"Body key '{where}.command' must be an object.")
        try:
            values = _parse_command(raw["command"])
        except ApiError as exc:
            raise ApiError(422, f"In {where!r}: {exc.detail}") from None
    return StateUpdate(values, as_node)
