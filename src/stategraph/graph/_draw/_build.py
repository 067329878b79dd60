"""Turn a compiled graph's wiring into a drawable ``Graph`` (``get_graph(xray=...)``).

The engine hands over names only: plain edges, conditional branches with their
possible targets, and a callback per subgraph node.  Here we decide what is drawn:
which edges are dotted and labelled, which nodes end the run, and how subgraphs are
inlined when ``xray`` asks for it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from ...constants import END, START
from ._model import Edge, Graph

__all__ = ["build_drawable"]

Branch = tuple[str, "dict[str, str] | None", list[str]]


def build_drawable(
    *,
    nodes: list[str],
    edges: list[tuple[str, str]],
    branches: list[Branch],
    subgraphs: dict[str, Callable[[int | bool], Graph]],
    xray: int | bool,
    node_metadata: dict[str, dict] | None = None,
) -> Graph:
    """Build the drawing of one graph level, inlining subgraphs while ``xray`` allows.

    ``branches`` are ``(source, path_map, targets)``: with a ``{label: target}`` path
    map each target is drawn dotted, labelled when the label differs from the target;
    without one, each of ``targets`` is drawn dotted and unlabelled.
    """
    metadata = node_metadata or {}
    drawn = _reachable_edges(_collect_edges(edges, branches), branches)
    graph = Graph()
    graph.add_node(None, START)
    for name in nodes:
        graph.add_node(None, name, metadata=metadata.get(name) or None)
    if any(e.target == END for e in drawn):
        graph.add_node(None, END)
    graph.edges = _ordered(drawn)
    if xray is True or (not isinstance(xray, bool) and xray > 0):
        deeper: int | bool = True if xray is True else int(xray) - 1
        for name in nodes:
            if name in subgraphs:
                _inline(graph, name, subgraphs[name](deeper))
    return graph


def _collect_edges(edges: list[tuple[str, str]], branches: list[Branch]) -> list[Edge]:
    """Plain edges solid, branch edges dotted; a solid edge hides a dotted twin (LangGraph keeps
    the first of its sorted edges per source and target, and a solid one sorts first)."""
    dotted: list[Edge] = []
    for source, path_map, targets in branches:
        if path_map is not None:
            pairs = [(target, label) for label, target in path_map.items()]
        else:
            pairs = [(target, target) for target in targets]
        for target, label in pairs:
            dotted.append(Edge(source, target, None if label == target else label, True))
    plain = {(s, t) for s, t in edges}
    solid = [Edge(s, t) for s, t in edges]
    return _unique(solid + [e for e in dotted if (e.source, e.target) not in plain])


def _unique(edges: list[Edge]) -> list[Edge]:
    return list(dict.fromkeys(edges))


def _reachable_edges(edges: list[Edge], branches: list[Branch]) -> list[Edge]:
    """Keep edges of nodes reachable from START; a reachable dead end goes to END.

    why: LangGraph infers its drawing by stepping from START, so edges of nodes it
    cannot reach are not drawn, and a node that reaches nothing it knows of is shown
    ending the run.  START with only target-less branches gets a dotted edge to END,
    any other node a solid one; we copy that so drawings compare equal.
    """
    out_of: dict[str, list[Edge]] = {}
    for edge in edges:
        out_of.setdefault(edge.source, []).append(edge)
    seen, queue = {START}, deque([START])
    kept: list[Edge] = []
    while queue:
        source = queue.popleft()
        if source == END:
            continue
        outgoing = out_of.get(source) or [_dead_end(source, branches)]
        kept += outgoing
        for edge in outgoing:
            if edge.target not in seen:
                seen.add(edge.target)
                queue.append(edge.target)
    return _unique(kept)


def _dead_end(source: str, branches: list[Branch]) -> Edge:
    has_branch = any(b[0] == source for b in branches)
    return Edge(source, END, None, source == START and has_branch)


def _ordered(edges: list[Edge]) -> list[Edge]:
    """Sort by (source, target), with solid edges into END last (as LangGraph lists them)."""

    def key(edge: Edge) -> tuple[bool, str, str]:
        return (edge.target == END and not edge.conditional, edge.source, edge.target)

    return sorted(edges, key=key)


def _inline(graph: Graph, name: str, child: Graph) -> None:
    """Replace node ``name`` by the nodes of ``child``, ids prefixed ``name:``.

    The child's START/END are dropped when that leaves one clear entry/exit node;
    edges into ``name`` are re-aimed at the entry, edges out of it leave the exit.
    A child without a single exit is left drawn as one node, as LangGraph does.
    """
    child = Graph(child.nodes, child.edges)  # why: trimming must not touch the caller's copy
    child.trim_first_node()
    child.trim_last_node()
    entry, exit_ = child.first_node(), child.last_node()
    if entry is None or exit_ is None:
        return
    prefixed = f"{name}:"
    outer = [
        e.copy(
            source=prefixed + exit_.id if e.source == name else None,
            target=prefixed + entry.id if e.target == name else None,
        )
        for e in graph.edges
    ]
    graph.nodes.pop(name)
    graph.edges = outer
    graph.extend(child, prefix=name)
