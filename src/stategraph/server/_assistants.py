"""Graphs bound to the server's checkpointer, and the assistants that name them.

Each graph gets one system assistant at startup whose id is ``uuid5(NAMESPACE_URL, graph_id)``,
so the id is the same on every start; run requests may name the graph instead of the id.
"""

from __future__ import annotations

import uuid
from typing import Any

from ..pregel import Pregel
from ._db import Resources, now_iso
from ._http import ApiError

__all__ = ["Assistants", "bind_graph", "system_assistant_id"]


def system_assistant_id(graph_id: str) -> str:
    """Return the deterministic id of ``graph_id``'s system assistant."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, graph_id))


def bind_graph(graph_id: str, graph: Any, checkpointer: Any) -> Pregel:
    """Compile a builder, or copy a compiled graph, so it checkpoints into ``checkpointer``."""
    if isinstance(graph, Pregel):
        return graph.copy({"checkpointer": checkpointer})
    if hasattr(graph, "compile"):
        return graph.compile(checkpointer=checkpointer)
    raise TypeError(
        f"Graph {graph_id!r} is a {type(graph).__name__}, not a compiled graph or a StateGraph "
        "builder. Point the config at a graph object (e.g. './agent.py:graph')."
    )


class Assistants:
    """Assistant rows plus the bound graph behind each graph id."""

    def __init__(self, resources: Resources, graphs: dict[str, Pregel]) -> None:
        self._resources = resources
        self.graphs = graphs
        for graph_id in graphs:
            self._ensure_system_assistant(graph_id)

    def _ensure_system_assistant(self, graph_id: str) -> None:
        assistant_id = system_assistant_id(graph_id)
        if self._resources.get("assistants", "assistant_id", assistant_id) is not None:
            return
        stamp = now_iso()
        self._resources.insert(
            "assistants",
            {
                "assistant_id": assistant_id,
                "graph_id": graph_id,
                "name": graph_id,
                "description": None,
                "config": {},
                "context": {},
                "metadata": {"created_by": "system"},
                "version": 1,
                "created_at": stamp,
                "updated_at": stamp,
            },
        )

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
