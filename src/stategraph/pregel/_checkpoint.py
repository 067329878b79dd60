"""Building checkpoints, their metadata, and the config a task sees."""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

from ..channels.base import MISSING
from ..checkpoint._ids import new_checkpoint_id_at
from ..constants import CONF, CONFIG_KEY_TASK_ID

if TYPE_CHECKING:
    from ._loop import PregelLoop
    from ._task import Task

# why: run_id is not here: as in LangGraph, a config's metadata run_id is recorded in every
# checkpoint, which is how a server finds what a run wrote (delete_for_runs, rollback)
_RESERVED_META = {
    "thread_id", "checkpoint_id", "checkpoint_ns", "checkpoint_map", "langgraph_step", "langgraph_node",
    "langgraph_triggers", "langgraph_path", "langgraph_checkpoint_ns", "step", "source",
    "parents", "writes",
}  # fmt: skip


# (unix second, its ISO prefix "YYYY-MM-DDTHH:MM:SS") of the last timestamp made
_second_prefix: tuple[int, str] = (-1, "")


def utc_timestamp() -> str:
    """Return now as ``datetime.now(UTC).isoformat()`` would format it."""
    return utc_timestamp_at(time.time_ns() // 1000)


def utc_timestamp_at(unix_us: int) -> str:
    """Format ``unix_us`` (Unix microseconds) as ``datetime.isoformat()`` would, in UTC."""
    global _second_prefix
    # why: formatting a datetime per step cost more than the rest of the timestamp; the
    # "YYYY-MM-DDTHH:MM:SS" prefix changes once a second, so only the fraction is new.
    second, micros = divmod(unix_us, 1_000_000)
    cached_second, prefix = _second_prefix
    if second != cached_second:
        from datetime import UTC, datetime

        prefix = datetime.fromtimestamp(second, UTC).isoformat()[:19]
        _second_prefix = (second, prefix)
    return f"{prefix}.{micros:06d}+00:00" if micros else f"{prefix}+00:00"


def create_checkpoint(loop: PregelLoop, step: int) -> dict[str, Any]:
    # Invariant: loop.values_cache holds checkpoint() of every non-empty channel as of the
    # last checkpoint; only channels whose version changed since (loop.dirty) are re-read.
    cache, channels, dirty = loop.values_cache, loop.channels, loop.dirty
    for k in dirty:
        v = channels[k].checkpoint()
        if v is MISSING:
            cache.pop(k, None)
        else:
            cache[k] = v
    loop.unsaved_changes |= dirty
    dirty.clear()
    values = dict(cache)
    # why: a saver that copies what it keeps takes the live dicts (see PregelLoop.live_skeleton)
    live = loop.live_skeleton and loop.writer is None
    # why: one clock reading for the id and its timestamp
    checkpoint_id, unix_us = new_checkpoint_id_at(step)
    return {
        "v": 4,
        "id": checkpoint_id,
        "ts": utc_timestamp_at(unix_us),
        "channel_values": values,
        "channel_versions": loop.versions if live else dict(loop.versions),
        # inner dicts are copy-on-write (_algo)
        "versions_seen": loop.versions_seen if live else dict(loop.versions_seen),
        "updated_channels": sorted(loop.updated_channels)
        if loop.updated_channels is not None
        else None,
    }


def run_metadata_is_plain(config: dict[str, Any]) -> bool:
    """Whether every metadata value ``metadata_for`` may take from ``config`` is plain JSON.

    Exact str/int/bool or a finite float, and a str -> str checkpoint map: metadata made of
    those is its own JSON round trip, so a saver may keep it as is (``LIVE_KEY``).
    """
    conf = config.get(CONF) or {}
    for src in (config.get("metadata") or {}, conf):
        for value in src.values():
            kind = type(value)
            if kind is float and not math.isfinite(value):
                return False
            if isinstance(value, (str, int, float, bool)) and kind not in (str, int, float, bool):
                return False
    parents = conf.get("checkpoint_map") or {}
    return all(type(k) is str and type(v) is str for k, v in parents.items())


def metadata_for(loop: PregelLoop, source: str, step: int) -> dict[str, Any]:
    md: dict[str, Any] = {"source": source, "step": step, "parents": dict(loop.checkpoint_map)}
    cfg = loop.config
    cached = loop.__dict__.get("_metadata_extras")
    if cached is None or cached[0] is not cfg:
        # why: the run's config does not change between steps; filter it once per run
        extras: dict[str, Any] = {}
        for src in (cfg.get("metadata") or {}, cfg.get(CONF) or {}):
            for k, v in src.items():
                reserved = k in _RESERVED_META or k.startswith("__")
                if reserved or not isinstance(v, (str, int, float, bool)):
                    continue
                extras.setdefault(k, v)
        cached = loop._metadata_extras = (cfg, extras)
    for k, v in cached[1].items():
        md.setdefault(k, v)
    return md


def build_task_config(loop: PregelLoop, task: Task) -> dict[str, Any]:
    base = loop.config
    conf = dict(base.get(CONF) or {})
    conf["checkpoint_ns"] = task.ns
    conf[CONFIG_KEY_TASK_ID] = task.id
    if loop.thread_id is not None:
        conf["thread_id"] = loop.thread_id
    cp_id = loop.current_checkpoint_id(task.step)
    requested = conf.get("checkpoint_id")
    conf["checkpoint_id"] = (
        None  # a node runs at no fixed checkpoint (the key stays, as in LangGraph)
    )
    if cp_id:
        conf["checkpoint_map"] = {**loop.checkpoint_map, loop.checkpoint_ns: cp_id}
    metadata = dict(base.get("metadata") or {})
    # the run's coordinates given in configurable are in its metadata too (LangGraph's list)
    for key in _PROPAGATED:
        value = requested if key == "checkpoint_id" else base.get(CONF, {}).get(key)
        if value is not None and key not in metadata:
            metadata[key] = value
    metadata.update(
        langgraph_step=task.step,
        langgraph_node=task.name,
        langgraph_triggers=tuple(task.triggers),
        langgraph_path=task.path,
        langgraph_checkpoint_ns=task.ns,
    )
    metadata.update(task.node.metadata)
    # run_name and run_id name the run, not its tasks (a node's config has neither, as in LangGraph)
    cfg = {k: v for k, v in base.items() if k not in _NOT_INHERITED}
    tags = [*(base.get("tags") or []), *task.node.tags]
    if tags or "tags" in base:  # no tags given: no key, as in LangGraph
        cfg["tags"] = tags
    cfg["metadata"] = metadata
    cfg[CONF] = conf
    return cfg


_NOT_INHERITED = frozenset((CONF, "metadata", "tags", "run_name", "run_id"))

# configurable keys a run also records in its tasks' metadata
_PROPAGATED = ("thread_id", "checkpoint_id", "task_id", "run_id", "assistant_id", "graph_id")
