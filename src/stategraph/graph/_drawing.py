"""Bridge from a compiled StateGraph to the drawable Graph (mermaid / ascii) of ``_draw``."""

from __future__ import annotations

from typing import Any

from ..constants import START
from ._draw import build_drawable


def state_graph_drawable(graph: Any, *, xray: int | bool = False) -> Any:
    builder = graph.builder
    edges = list(builder.edges)
    for starts, end in builder.waiting_edges:
        edges.extend((s, end) for s in starts)
    branches: list[tuple[str, dict[str, str] | None, list[str]]] = []
    for source, bs in builder.branches.items():
        for b in bs.values():
            pm = {str(k): v for k, v in b.path_map.items()} if b.path_map else None
            # no path map and no Literal return type: the destinations are unknown until it runs,
            # so nothing is drawn from it (LangGraph's drawing infers edges from what it can see)
            targets = list(b.ends or [])
            branches.append((source, pm, targets if pm is None else list(pm.values())))
    for name, spec in builder.nodes.items():
        if isinstance(spec.ends, dict) and spec.ends:
            branches.append(
                (name, {label: target for target, label in spec.ends.items()}, list(spec.ends))
            )
        elif spec.ends:
            branches.append((name, None, list(spec.ends)))
    subgraphs = {}
    for name, node in graph.nodes.items():
        if name == START:
            continue
        for sub in node.subgraphs:
            subgraphs[name] = lambda depth, sub=sub: sub.get_graph(xray=depth)
    # a deferred node is labelled "defer = True" (LangGraph draws it into the node's metadata)
    metadata = {
        n: {**(s.metadata or {}), "defer": True} if s.defer else s.metadata
        for n, s in builder.nodes.items()
        if s.metadata or s.defer
    }
    return build_drawable(
        nodes=list(builder.nodes),
        edges=edges,
        branches=branches,
        subgraphs=subgraphs,
        xray=xray,
        node_metadata=metadata or None,
    )
