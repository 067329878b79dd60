"""Render a drawable ``Graph`` as boxes and lines of text.

Solid edges are drawn with ``*``, conditional ones with ``.``; ``v`` marks where an
edge enters its target from above, ``^`` where a back edge of a cycle enters its
target from below, and a self-loop is a small hook ``<`` on the right of its box.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._layout import Item, Layout, layout_layers

if TYPE_CHECKING:
    from ._model import Graph

__all__ = ["render_ascii", "plan_ascii", "AsciiPlan"]

BOX_HEIGHT = 3
V_GAP = 3  # rows between two layers of boxes


@dataclass(slots=True)
class AsciiPlan:
    """A laid-out drawing: the layout plus each edge's cells, before painting."""

    layout: Layout
    labels: dict[str, str]
    paths: dict[int, list[tuple[int, int]]]  # edge index -> (column, row) cells
    arrows: dict[int, tuple[int, int, str]]  # edge index -> (column, row, char)


def render_ascii(graph: Graph) -> str:
    """Return the text drawing of ``graph`` (one trailing newline)."""
    plan = plan_ascii(graph)
    return paint(plan, [graph.edges[i].conditional for i in range(len(graph.edges))])


def plan_ascii(graph: Graph) -> AsciiPlan:
    """Lay the graph out and trace every edge as a list of cells."""
    labels = {node_id: node.name for node_id, node in graph.nodes.items()}
    widths = {node_id: len(label) + 4 for node_id, label in labels.items()}
    layout = layout_layers(widths, [(e.source, e.target) for e in graph.edges])
    paths: dict[int, list[tuple[int, int]]] = {}
    arrows: dict[int, tuple[int, int, str]] = {}
    for route in layout.routes:
        cells: list[tuple[int, int]] = []
        for a, b in zip(route.chain, route.chain[1:], strict=False):
            if not isinstance(a.key, str):  # a dummy point: pass straight through its layer
                cells += [(a.center, _top(a) + r) for r in range(BOX_HEIGHT)]
            cells += _line((_port(a, route.upward), _top(a) + BOX_HEIGHT),
                           (_port(b, route.upward), _top(b) - 1))
        paths[route.edge] = cells
        if route.upward:
            arrows[route.edge] = (*cells[0], "^")
        else:
            arrows[route.edge] = (*cells[-1], "v")
    for index in layout.loops:
        item = layout.nodes[graph.edges[index].source]
        right, top = item.x + item.width, _top(item)
        paths[index] = [(right, top), (right + 1, top), (right + 1, top + 1)]
        arrows[index] = (right, top + 1, "<")
    return AsciiPlan(layout, labels, paths, arrows)


def paint(plan: AsciiPlan, conditional: list[bool]) -> str:
    """Paint edges, then arrowheads, then boxes (boxes win where they overlap)."""
    items = [item for layer in plan.layout.layers for item in layer]
    width = max((item.x + item.width + 2 for item in items), default=0)
    height = len(plan.layout.layers) * (BOX_HEIGHT + V_GAP) - V_GAP
    canvas = [[" "] * width for _ in range(max(height, 0))]
    for index, cells in plan.paths.items():
        char = "." if conditional[index] else "*"
        for x, y in cells:
            canvas[y][x] = char
    for x, y, char in plan.arrows.values():
        canvas[y][x] = char
    for node_id, item in plan.layout.nodes.items():
        _box(canvas, item, plan.labels[node_id])
    return "".join("".join(row).rstrip() + "\n" for row in canvas)


def _port(item: Item, upward: bool) -> int:
    """Column where an edge meets a box: back edges two columns right of the middle."""
    if not upward:
        return item.center
    # why: a cycle a->b->a would otherwise draw both edges on one column.
    return min(item.center + 2, item.x + item.width - 1)


def _top(item: Item) -> int:
    return item.layer * (BOX_HEIGHT + V_GAP)


def _box(canvas: list[list[str]], item: Item, label: str) -> None:
    top, left = _top(item), item.x
    border = "+" + "-" * (item.width - 2) + "+"
    for row, text in enumerate((border, f"| {label} |", border)):
        canvas[top + row][left : left + item.width] = list(text)


def _line(start: tuple[int, int], end: tuple[int, int]) -> list[tuple[int, int]]:
    """Cells of a straight line, both ends included (Bresenham)."""
    (x0, y0), (x1, y1) = start, end
    dx, dy = abs(x1 - x0), -abs(y1 - y0)
    sx, sy = (1 if x1 > x0 else -1), (1 if y1 > y0 else -1)
    err, cells = dx + dy, []
    while True:
        cells.append((x0, y0))
        if (x0, y0) == (x1, y1):
            return cells
        twice = 2 * err
        if twice >= dy:
            err += dy
            x0 += sx
        if twice <= dx:
            err += dx
            y0 += sy
