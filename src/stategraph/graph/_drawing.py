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
    metadata = {n: _node_metadata(graph, n, s) for n, s in builder.nodes.items()}
    metadata = {n: m for n, m in metadata.items() if m}
    return build_drawable(
        nodes=list(builder.nodes),
        edges=edges,
        branches=branches,
        subgraphs=subgraphs,
        xray=xray,
        node_metadata=metadata or None,
    )


def _listed(nodes: Any) -> list[str]:
    return (
        [] if isinstance(nodes, str) else list(nodes or ())
    )  # "*" names no node here, as in LangGraph


def _node_metadata(graph: Any, name: str, spec: Any) -> dict[str, Any]:
    """What LangGraph shows of a node: its metadata, then ``defer``, ``__interrupt`` (before,
    after or both, for listed interrupt nodes) and ``__tools`` (a ToolNode's tool names)."""
    meta = dict(spec.metadata or {})
    if spec.defer:
        meta["defer"] = True
    before = name in _listed(graph.interrupt_before_nodes)
    after = name in _listed(graph.interrupt_after_nodes)
    if before or after:
        meta["__interrupt"] = ",".join(w for w, on in (("before", before), ("after", after)) if on)
    tools = getattr(spec.runnable, "tools_by_name", None)
    if isinstance(tools, dict) and tools:
        meta["__tools"] = list(tools)
    return meta
