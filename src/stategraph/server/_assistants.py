"""Graphs bound to the server's checkpointer, and the versioned assistants that name them.

Each graph gets one system assistant at startup whose id is ``uuid5(NAMESPACE_URL, graph_id)``,
so the id is the same on every start; run requests may name the graph instead of the id.
Updating an assistant adds a version; ``set_latest`` points the assistant at an older one.
"""

from __future__ import annotations

import uuid
from typing import Any

from ..pregel import Pregel
from ._db import Resources, now_iso
from ._http import ApiError, reuse_or_conflict

__all__ = ["Assistants", "bind_graph", "system_assistant_id"]

_VERSION_KEYS = ("graph_id", "name", "description", "config", "context", "metadata")


def system_assistant_id(graph_id: str) -> str:
    """Return the deterministic id of ``graph_id``'s system assistant."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, graph_id))


def bind_graph(graph_id: str, graph: Any, checkpointer: Any, store: Any) -> Pregel:
    """Compile a builder, or copy a compiled graph, onto the server's checkpointer and store."""
    if isinstance(graph, Pregel):
        return graph.copy({"checkpointer": checkpointer, "store": store})
    if hasattr(graph, "compile"):
        return graph.compile(checkpointer=checkpointer, store=store)
    raise TypeError(
        f"Graph {graph_id!r} is a {type(graph).__name__}, not a compiled graph or a StateGraph "
        "builder. Point the config at a graph object (e.g. './agent.py:graph')."
    )


class Assistants:
    """Assistant rows (and their versions) plus the bound graph behind each graph id."""

    def __init__(self, resources: Resources, graphs: dict[str, Pregel]) -> None:
        self._resources = resources
        self.graphs = graphs
        for graph_id in graphs:
            assistant_id = system_assistant_id(graph_id)
            if self._resources.get("assistants", "assistant_id", assistant_id) is None:
                fields = {
                    "graph_id": graph_id,
                    "name": graph_id,
                    "description": None,
                    "config": {},
                    "context": {},
                    "metadata": {"created_by": "system"},
                }
                self._insert(assistant_id, fields)

    def _insert(self, assistant_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        stamp = now_iso()
        row = {
            "assistant_id": assistant_id,
            **fields,
            "version": 1,
            "created_at": stamp,
            "updated_at": stamp,
        }
        self._resources.insert("assistants", row)
        self._resources.insert("assistant_versions", row)
        return row

    def create(self, assistant_id: str | None, fields: dict[str, Any], if_exists: str) -> dict:
        """Create an assistant for a known graph; an existing id is 409 or returned as is."""
        if fields["graph_id"] not in self.graphs:
            raise ApiError(
                404,
                f"Graph {fields['graph_id']!r} not found; the server serves {sorted(self.graphs)}.",
            )
        assistant_id = assistant_id or str(uuid.uuid4())
        existing = self._resources.get("assistants", "assistant_id", assistant_id)
        if existing is not None:
            return reuse_or_conflict(existing, if_exists, f"Assistant {assistant_id!r}")
        fields["name"] = fields["name"] or "Untitled"
        return self._insert(assistant_id, fields)

    def update(self, assistant_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Add a version with ``changes`` (metadata merged, other keys replaced); make it latest."""
        current = self.get(assistant_id)
        if (changes.get("graph_id") or current["graph_id"]) not in self.graphs:
            raise ApiError(404, f"Graph {changes['graph_id']!r} not found.")
        fields = {k: current[k] for k in _VERSION_KEYS}
        fields.update({k: v for k, v in changes.items() if v is not None and k != "metadata"})
        fields["metadata"] = {**current["metadata"], **(changes.get("metadata") or {})}
        versions = self._resources.select(
            "assistant_versions", "assistant_id = ?", [current["assistant_id"]]
        )
        version = max(v["version"] for v in versions) + 1
        stamp = now_iso()
        self._resources.insert(
            "assistant_versions",
            {
                "assistant_id": current["assistant_id"],
                "version": version,
                **fields,
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
        self._resources.update(
            "assistants", "assistant_id", current["assistant_id"], version=version, **fields
        )
        return self.get(current["assistant_id"])

    def versions(self, assistant_id: str) -> list[dict[str, Any]]:
        """Return every version of the assistant, newest first."""
        current = self.get(assistant_id)
        rows = self._resources.select(
            "assistant_versions", "assistant_id = ?", [current["assistant_id"]]
        )
        return sorted(rows, key=lambda v: v["version"], reverse=True)

    def set_latest(self, assistant_id: str, version: int) -> dict[str, Any]:
        """Point the assistant at one of its versions; an unknown version is 404."""
        chosen = [v for v in self.versions(assistant_id) if v["version"] == version]
        if not chosen:
            raise ApiError(404, f"Assistant {assistant_id!r} has no version {version}.")
        fields = {k: chosen[0][k] for k in _VERSION_KEYS}
        self._resources.update(
            "assistants", "assistant_id", chosen[0]["assistant_id"], version=version, **fields
        )
        return self.get(chosen[0]["assistant_id"])

    def delete(self, assistant_id: str) -> None:
        """Delete the assistant and its versions (a system one returns at the next start)."""
        current = self.get(assistant_id)
        self._resources.delete("assistants", "assistant_id", current["assistant_id"])
        self._resources.delete("assistant_versions", "assistant_id", current["assistant_id"])

    def get(self, assistant_id: str) -> dict[str, Any]:
        """Return the assistant with this id, or the system assistant of this graph id; else 404."""
        if assistant_id in self.graphs:
            assistant_id = system_assistant_id(assistant_id)
        row = self._resources.get("assistants", "assistant_id", assistant_id)
        if row is None:
            raise ApiError(404, f"Assistant {assistant_id!r} not found (no such id or graph name).")
        return row

    def all(self) -> list[dict[str, Any]]:
        """Return every assistant row, oldest first."""
        return self._resources.select("assistants")

    def graph_for(self, assistant: dict[str, Any]) -> Pregel:
        """Return the bound graph behind ``assistant``."""
        return self.graphs[assistant["graph_id"]]
