"""Drawable view of a hand-built Pregel: nodes, and edges inferred from who writes what triggers.

As LangGraph infers it: START points at the nodes the input triggers; a node points at the
nodes its declared writes trigger; nodes that are pointed at but point nowhere end the run
(solid edges to END); with no such node, a run whose last step has a single node ends there
(a dotted edge).  Writes a node makes only at run time (a function writer) are not seen.
"""

from __future__ import annotations

from typing import Any

from ..constants import END, START

_STEPS = 100  # how far the drawing follows the triggers to find the last step of a cycle


def _static_writes(node: Any) -> set[str]:
    return {ch for writer in node.writers for ch in getattr(writer, "channels", ())}


def pregel_drawable(graph: Any, *, xray: int | bool = False) -> Any:
    from ..graph._draw._model import Edge, Graph

    names = [n for n in graph.nodes if not n.startswith("__")]
    inputs = (
        [graph.input_channels]
        if isinstance(graph.input_channels, str)
        else list(graph.input_channels)
    )

    def triggered(channels: set[str] | list[str]) -> list[str]:
        return [n for n in names if any(t in channels for t in graph.nodes[n].triggers)]

    writes = {n: _static_writes(graph.nodes[n]) for n in names}
    node_edges = sorted({(a, b) for a in names for b in triggered(writes[a])})
    first = triggered(inputs)
    last, current = first, first
    for _ in range(_STEPS):
        current = sorted({b for a in current for b in triggered(writes[a])})
        if not current:
            break
        last = current
    sources = {a for a, _ in node_edges}
    termini = sorted({b for _, b in node_edges} - sources)
    if termini:
        end_edges = [Edge(t, END) for t in termini]
    elif len(last) == 1:
        end_edges = [Edge(last[0], END, None, True)]
    else:
        end_edges = []
    drawing = Graph()
    drawing.add_node(None, START)
    for name in names:
        drawing.add_node(None, name, metadata=graph.nodes[name].metadata or None)
    if end_edges:
        drawing.add_node(None, END)
    drawing.edges = (
        [Edge(START, n) for n in first] + [Edge(a, b) for a, b in node_edges] + end_edges
    )
    return drawing
