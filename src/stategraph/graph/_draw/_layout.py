"""Layered (Sugiyama-style) layout for text drawings; pure functions, no rendering.

Steps: reverse back edges so the graph is acyclic, give every node a layer (longest
path from the entries), split long edges with one-cell dummy points per layer, order
each layer to reduce crossings (barycenters), then pick x positions that keep the
order and sit close to neighbours (isotonic regression).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Item", "Route", "Layout", "layout_layers"]

H_GAP = 3  # blank columns between neighbours in a layer
SWEEPS = 4


@dataclass(slots=True)
class Item:
    """A box (``node`` set) or a dummy point of a long edge, placed in a layer."""

    key: str | tuple[int, int]  # node id, or (edge index, step) for dummies
    width: int
    layer: int = 0
    x: int = 0  # left column

    @property
    def center(self) -> int:
        return self.x + self.width // 2


@dataclass(slots=True)
class Route:
    """One edge as the chain of items it passes, top to bottom."""

    edge: int  # index into the edge list given to layout_layers
    chain: list[Item]
    upward: bool  # drawn against its direction (a back edge of a cycle)


@dataclass(slots=True)
class Layout:
    """Where every item sits; ``layers[i]`` is left-to-right."""

    layers: list[list[Item]]
    nodes: dict[str, Item]
    routes: list[Route] = field(default_factory=list)
    loops: list[int] = field(default_factory=list)  # indices of self-loop edges


def layout_layers(widths: dict[str, int], edges: list[tuple[str, str]]) -> Layout:
    """Lay out nodes (id -> box width) joined by ``edges`` (source, target)."""
    order = list(widths)
    loops = [i for i, (s, t) in enumerate(edges) if s == t]
    flipped = _back_edges(order, edges)
    forward = [(t, s) if i in flipped else (s, t) for i, (s, t) in enumerate(edges)]
    level = _levels(order, [e for i, e in enumerate(forward) if i not in loops])
    nodes = {n: Item(n, widths[n], level[n]) for n in order}
    layout = Layout([[] for _ in range(max(level.values(), default=0) + 1)], nodes, loops=loops)
    for n in order:
        layout.layers[level[n]].append(nodes[n])
    for i, (s, t) in enumerate(forward):
        if i not in loops:
            layout.routes.append(_route(layout, i, nodes[s], nodes[t], i in flipped))
    _order_layers(layout)
    _place(layout)
    return layout


def _back_edges(order: list[str], edges: list[tuple[str, str]]) -> set[int]:
    """Edges closing a cycle in a depth-first walk from the entry nodes (not self-loops)."""
    out: dict[str, list[tuple[int, str]]] = {n: [] for n in order}
    has_in = set()
    for i, (s, t) in enumerate(edges):
        if s != t:
            out[s].append((i, t))
            has_in.add(t)
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    back: set[int] = set()
    for root in [n for n in order if n not in has_in] + order:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(out[root]))]
        while stack:
            node, todo = stack[-1]
            step = next(todo, None)
            if step is None:
                state[node] = 2
                stack.pop()
            elif state.get(step[1]) == 1:
                back.add(step[0])
            elif step[1] not in state:
                state[step[1]] = 1
                stack.append((step[1], iter(out[step[1]])))
    return back


def _levels(order: list[str], dag: list[tuple[str, str]]) -> dict[str, int]:
    """Longest-path layering; sinks that have parents move to the bottom layer."""
    preds: dict[str, list[str]] = {n: [] for n in order}
    indeg = dict.fromkeys(order, 0)
    for s, t in dag:
        preds[t].append(s)
        indeg[t] += 1
    ready = [n for n in order if indeg[n] == 0]
    level: dict[str, int] = {}
    while ready:
        n = ready.pop(0)
        level[n] = max((level[p] + 1 for p in preds[n]), default=0)
        for s, t in dag:
            if s == n:
                indeg[t] -= 1
                if indeg[t] == 0:
                    ready.append(t)
    bottom = max(level.values(), default=0)
    sources = {s for s, _ in dag}
    for n in order:
        if preds[n] and n not in sources:
            level[n] = bottom
    return level


def _route(layout: Layout, index: int, top: Item, bottom: Item, upward: bool) -> Route:
    chain = [top]
    for step, layer in enumerate(range(top.layer + 1, bottom.layer)):
        dummy = Item((index, step), 1, layer)
        layout.layers[layer].append(dummy)
        chain.append(dummy)
    chain.append(bottom)
    return Route(index, chain, upward)


def _neighbours(layout: Layout) -> tuple[dict[int, list[Item]], dict[int, list[Item]]]:
    """Map id(item) -> the items it links to in the layer above / below."""
    up: dict[int, list[Item]] = {}
    down: dict[int, list[Item]] = {}
    for route in layout.routes:
        for a, b in zip(route.chain, route.chain[1:], strict=False):
            down.setdefault(id(a), []).append(b)
            up.setdefault(id(b), []).append(a)
    return up, down


def _order_layers(layout: Layout) -> None:
    up, down = _neighbours(layout)
    for _ in range(SWEEPS):
        for layer, above in zip(layout.layers[1:], layout.layers, strict=False):
            _sort_by_barycenter(layer, above, up)
        for layer, below in zip(layout.layers[-2::-1], layout.layers[::-1], strict=False):
            _sort_by_barycenter(layer, below, down)


def _sort_by_barycenter(layer: list[Item], other: list[Item], links: dict[int, list[Item]]) -> None:
    pos = {id(item): i for i, item in enumerate(other)}
    current = {id(item): i for i, item in enumerate(layer)}

    def key(item: Item) -> float:
        linked = [pos[id(n)] for n in links.get(id(item), []) if id(n) in pos]
        return sum(linked) / len(linked) if linked else float(current[id(item)])

    layer.sort(key=key)


def _place(layout: Layout) -> None:
    """Pack every layer, then pull items toward their neighbours' centres."""
    up, down = _neighbours(layout)
    for layer in layout.layers:
        _fit(layer, [item.x + item.width // 2 for item in layer])
    for _ in range(SWEEPS):
        for layers, links in ((layout.layers[1:], up), (layout.layers[-2::-1], down)):
            for layer in layers:
                wanted = [_mean_center(item, links) for item in layer]
                _fit(layer, wanted)
    shift = min((layer[0].x for layer in layout.layers if layer), default=0)
    for layer in layout.layers:
        for item in layer:
            item.x -= shift


def _mean_center(item: Item, links: dict[int, list[Item]]) -> float:
    linked = links.get(id(item))
    if not linked:
        return float(item.center)
    return sum(n.center for n in linked) / len(linked)


def _fit(layer: list[Item], centers: list[float]) -> None:
    """Set x so items keep their order and gaps and sit nearest the wanted centres.

    Subtracting each item's minimal offset turns the gap constraints into "values
    must not decrease", solved exactly by pooling adjacent violators.
    """
    offsets, total = [], 0
    for item in layer:
        offsets.append(total)
        total += item.width + H_GAP
    wanted = [c - item.width // 2 - off
              for c, item, off in zip(centers, layer, offsets, strict=True)]
    blocks: list[list[float]] = []  # [sum, count]
    for value in wanted:
        blocks.append([value, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            s, c = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += c
    i = 0
    for s, c in blocks:
        for _ in range(int(c)):
            layer[i].x = round(s / c) + offsets[i]
            i += 1
