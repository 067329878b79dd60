"""The drawable graph returned by ``get_graph()``: nodes, edges and their queries.

Same public shape as langchain-core's ``runnables.graph.Graph`` (``nodes`` dict,
``edges`` list, ``first_node``/``last_node``, ``extend``, the ``draw_*`` methods)
without depending on it.  Rendering lives in ``_mermaid``, ``_ascii`` and ``_dot``
(Graphviz, for PNG and SVG).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from ...errors import StategraphError
from ._mermaid import CurveStyle, NodeStyles, render_mermaid

__all__ = ["Node", "Edge", "Graph"]

# Separator between a subgraph's name and its node ids once an xray drawing inlines it.
PREFIX_SEP = ":"


class Node(NamedTuple):
    """One vertex: ``id`` is unique in the graph, ``name`` is what drawings show."""

    id: str
    name: str
    data: Any = None
    metadata: dict[str, Any] | None = None

    def copy(self, *, id: str | None = None, name: str | None = None) -> Node:
        """Return this node with a new id and/or name."""
        return Node(self.id if id is None else id, self.name if name is None else name,
                    self.data, self.metadata)


class Edge(NamedTuple):
    """One arrow; ``conditional`` edges are drawn dotted, ``data`` is their label."""

    source: str
    target: str
    data: Any = None
    conditional: bool = False

    def copy(self, *, source: str | None = None, target: str | None = None) -> Edge:
        """Return this edge with a new source and/or target."""
        return Edge(self.source if source is None else source,
                    self.target if target is None else target, self.data, self.conditional)


def _node_id(node: Node | str) -> str:
    return node if isinstance(node, str) else node.id


def _name_of(data: Any) -> str | None:
    if data is None:
        return None
    get_name = getattr(data, "get_name", None)
    if callable(get_name):
        return str(get_name())
    return getattr(data, "name", None) or getattr(data, "__name__", None)


class Graph:
    """A directed graph of named nodes, drawable as mermaid text or ASCII art."""

    def __init__(self, nodes: dict[str, Node] | None = None, edges: list[Edge] | None = None):
        # Invariant: every edge's source and target is a key of self.nodes.
        self.nodes: dict[str, Node] = dict(nodes or {})
        self.edges: list[Edge] = list(edges or [])

    def __repr__(self) -> str:
        return f"Graph(nodes={list(self.nodes)!r}, edges={len(self.edges)})"

    # -- building ---------------------------------------------------------
    def next_id(self) -> str:
        """Return an id not used by any node yet."""
        n = len(self.nodes)
        while str(n) in self.nodes:
            n += 1
        return str(n)

    def add_node(self, data: Any = None, id: str | None = None, *,
                 metadata: dict[str, Any] | None = None, name: str | None = None) -> Node:
        """Add a node and return it; the name defaults to the id, then to the data's name."""
        node_id = id if id is not None else (_name_of(data) or self.next_id())
        if node_id in self.nodes:
            raise StategraphError(
                f"Node id {node_id!r} is already in the drawing; give each node a unique id.",
                node=node_id,
            )
        node = Node(node_id, name if name is not None else (id or _name_of(data) or node_id),
                    data, metadata)
        self.nodes[node_id] = node
        return node

    def remove_node(self, node: Node | str) -> None:
        """Remove a node and every edge that touches it."""
        node_id = _node_id(node)
        self.nodes.pop(node_id, None)
        self.edges = [e for e in self.edges if node_id not in (e.source, e.target)]

    def add_edge(self, source: Node | str, target: Node | str, data: Any = None,
                 conditional: bool = False) -> Edge:
        """Add an edge between two existing nodes (given as nodes or ids) and return it."""
        for end in (_node_id(source), _node_id(target)):
            if end not in self.nodes:
                raise StategraphError(
                    f"Edge endpoint {end!r} is not a node of this drawing; add_node() it first.",
                    node=end,
                )
        edge = Edge(_node_id(source), _node_id(target), data, conditional)
        self.edges.append(edge)
        return edge

    def extend(self, graph: Graph, *, prefix: str = "") -> tuple[Node | None, Node | None]:
        """Copy ``graph`` in, ids prefixed ``prefix:``; return its first and last node."""
        def rename(node_id: str) -> str:
            return f"{prefix}{PREFIX_SEP}{node_id}" if prefix else node_id

        for node in graph.nodes.values():
            self.nodes[rename(node.id)] = node.copy(id=rename(node.id))
        self.edges.extend(e.copy(source=rename(e.source), target=rename(e.target))
                          for e in graph.edges)
        first, last = graph.first_node(), graph.last_node()
        return (self.nodes[rename(first.id)] if first else None,
                self.nodes[rename(last.id)] if last else None)

    # -- queries ----------------------------------------------------------
    def _sole(self, excluded: Iterable[str], *, entry: bool) -> Node | None:
        skip = set(excluded)
        # The entry is the one node nothing points at (the exit: points at nothing);
        # edges touching an excluded node do not count.
        linked = {(e.target if entry else e.source) for e in self.edges
                  if (e.source if entry else e.target) not in skip}
        found = [n for n in self.nodes.values() if n.id not in skip and n.id not in linked]
        return found[0] if len(found) == 1 else None

    def first_node(self) -> Node | None:
        """Return the single node with no incoming edge, or None if there are 0 or several."""
        return self._sole((), entry=True)

    def last_node(self) -> Node | None:
        """Return the single node with no outgoing edge, or None if there are 0 or several."""
        return self._sole((), entry=False)

    def trim_first_node(self) -> None:
        """Drop the entry node if it has one edge out and another node then is the entry."""
        first = self.first_node()
        if (first is not None and self._sole([first.id], entry=True) is not None
                and sum(e.source == first.id for e in self.edges) == 1):
            self.remove_node(first)

    def trim_last_node(self) -> None:
        """Drop the exit node if it has one edge in and another node then is the exit."""
        last = self.last_node()
        if (last is not None and self._sole([last.id], entry=False) is not None
                and sum(e.target == last.id for e in self.edges) == 1):
            self.remove_node(last)

    def to_json(self, *, with_schemas: bool = False) -> dict[str, list[dict[str, Any]]]:
        """Return a JSON-ready ``{"nodes": [...], "edges": [...]}`` description."""
        del with_schemas  # why: accepted for compatibility; drawings carry no schemas
        nodes = [_node_json(n) for n in self.nodes.values()]
        edges: list[dict[str, Any]] = []
        for e in self.edges:
            item: dict[str, Any] = {"source": e.source, "target": e.target}
            if e.data is not None:
                item["data"] = e.data
            if e.conditional:
                item["conditional"] = True
            edges.append(item)
        return {"nodes": nodes, "edges": edges}

    # -- drawing ----------------------------------------------------------
    def draw_mermaid(self, *, with_styles: bool = True,
                     curve_style: CurveStyle | str = CurveStyle.LINEAR,
                     node_colors: NodeStyles | None = None, wrap_label_n_words: int = 9,
                     frontmatter_config: dict[str, Any] | None = None) -> str:
        """Return mermaid flowchart source (``graph TD;``) for this graph."""
        return render_mermaid(self, with_styles=with_styles, curve_style=curve_style,
                              node_colors=node_colors, wrap_label_n_words=wrap_label_n_words,
                              frontmatter_config=frontmatter_config)

    def draw_mermaid_png(self, *args: Any, **kwargs: Any) -> bytes:
        """Refuse: PNG rendering needs an external mermaid renderer."""
        raise StategraphError(
            "draw_mermaid_png() is not available: it would send the graph to a web rendering "
            "service. Use draw_png() (Graphviz, on this machine), or draw_mermaid() and render "
            "the text with mermaid-cli (mmdc) or any mermaid viewer."
        )

    def draw_png(
        self,
        output_file_path: str | None = None,
        fontname: str | None = None,
        labels: Any = None,
    ) -> bytes | None:
        """Render a PNG with Graphviz on this machine; write it to ``output_file_path`` (and
        return None) or return its bytes.  ``labels`` is accepted and ignored."""
        from ._dot import render_dot, render_image

        image = render_image(render_dot(self, fontname=fontname), "png")
        if output_file_path is None:
            return image
        with open(output_file_path, "wb") as out:
            out.write(image)
        return None

    def draw_svg(self, *, fontname: str | None = None) -> str:
        """Render SVG text with Graphviz on this machine (not in LangGraph's API)."""
        from ._dot import render_dot, render_image

        return render_image(render_dot(self, fontname=fontname), "svg").decode()

    def draw_dot(self, *, fontname: str | None = None) -> str:
        """Return Graphviz DOT source for this graph (not in LangGraph's API)."""
        from ._dot import render_dot

        return render_dot(self, fontname=fontname)

    def draw_ascii(self) -> str:
        """Return a box-and-arrow drawing of the graph in plain text."""
        from ._ascii import render_ascii

        return render_ascii(self)

    def print_ascii(self) -> None:
        """Print ``draw_ascii()``."""
        print(self.draw_ascii())

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        mermaid = self.draw_mermaid()
        return {"text/plain": self.draw_ascii(), "text/markdown": f"```mermaid\n{mermaid}```\n"}


def _node_json(node: Node) -> dict[str, Any]:
    item: dict[str, Any] = {"id": node.id}
    if node.data is not None:
        kind = type(node.data) if not isinstance(node.data, type) else node.data
        item["type"] = "schema" if isinstance(node.data, type) else "runnable"
        item["data"] = {"id": [*kind.__module__.split("."), kind.__qualname__], "name": node.id}
    if node.metadata:
        item["metadata"] = node.metadata
    return item
