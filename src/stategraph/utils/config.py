"""Config helpers at LangGraph's old ``langgraph.utils.config`` path.

``get_config``/``get_store`` are the functions of ``stategraph.config``; ``ensure_config`` and
``patch_configurable`` build RunnableConfig dicts.
"""

from __future__ import annotations

from typing import Any

from ..config import get_config, get_store
from ..pregel._context import CURRENT_TASK

__all__ = ["ensure_config", "get_config", "get_store", "patch_configurable"]

_DEFAULT_RECURSION_LIMIT = 25


def _merge(into: dict[str, Any], config: dict[str, Any]) -> None:
    for key, value in config.items():
        if value is None and key != "callbacks":
            continue
        if key in ("configurable", "metadata") and isinstance(value, dict):
            into[key] = {**into[key], **value}
        elif key == "tags":
            into[key] = list(dict.fromkeys([*into[key], *value]))
        else:
            into[key] = value


def ensure_config(*configs: dict[str, Any] | None) -> dict[str, Any]:
    """Return a full config: defaults, then the running node's config, then ``configs`` in order.

    Inside a node the run's config is inherited, except its ``configurable`` when one of
    ``configs`` names its own ``thread_id``/``checkpoint_*``.  The result always has ``tags``, ``metadata``, ``callbacks``, ``recursion_limit`` and
    ``configurable``; ``configurable``/``metadata`` merge key by key and ``tags`` accumulate.

    Examples:
        >>> from stategraph.utils.config import ensure_config
        >>> ensure_config()
        {'tags': [], 'metadata': {}, 'callbacks': None, 'recursion_limit': 25, 'configurable': {}}
        >>> cfg = ensure_config({"configurable": {"thread_id": "1"}, "tags": ["a"]}, {"tags": ["b"]})
        >>> cfg["configurable"], cfg["tags"], cfg["recursion_limit"]
        ({'thread_id': '1'}, ['a', 'b'], 25)
    """
    out: dict[str, Any] = {
        "tags": [],
        "metadata": {},
        "callbacks": None,
        "recursion_limit": _DEFAULT_RECURSION_LIMIT,
        "configurable": {},
    }
    inherited = getattr(CURRENT_TASK.get(), "config", None)
    if inherited and any(_addresses_checkpoint(c) for c in configs):
        # a config naming its own thread/checkpoint starts its own lineage: keep the run's
        # tags and metadata but not its configurable (which points at the parent's checkpoint)
        inherited = {k: v for k, v in inherited.items() if k != "configurable"}
    for config in (inherited, *configs):
        if config:
            _merge(out, config)
    return out


def _addresses_checkpoint(config: dict[str, Any] | None) -> bool:
    configurable = (config or {}).get("configurable") or {}
    return any(
        k in configurable for k in ("thread_id", "checkpoint_ns", "checkpoint_id", "checkpoint_map")
    )


def patch_configurable(config: dict[str, Any] | None, patch: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of ``config`` whose ``configurable`` also holds ``patch`` (``patch`` wins).

    Examples:
        >>> from stategraph.utils.config import patch_configurable
        >>> config = {"tags": ["x"], "configurable": {"thread_id": "t1", "model": "small"}}
        >>> patch_configurable(config, {"model": "large"})
        {'tags': ['x'], 'configurable': {'thread_id': 't1', 'model': 'large'}}
        >>> config["configurable"]["model"]  # the original is unchanged
        'small'
        >>> patch_configurable(None, {"thread_id": "t2"})
        {'configurable': {'thread_id': 't2'}}
    """
    if config is None:
        return {"configurable": dict(patch)}
    return {**config, "configurable": {**(config.get("configurable") or {}), **patch}}
