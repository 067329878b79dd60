"""Render a drawable ``Graph`` as mermaid flowchart text.

Layout of the output: optional YAML frontmatter, ``graph TD;``, then per nesting
level the node declarations, the edges, and ``subgraph NAME`` ... ``end`` blocks for
nodes inlined from subgraphs (ids ``child:inner``), then the ``classDef`` lines.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from ...constants import END, START

if TYPE_CHECKING:
    from ._model import Edge, Graph, Node

__all__ = ["CurveStyle", "NodeStyles", "render_mermaid"]


class CurveStyle(Enum):
    """Mermaid edge curve styles (``flowchart.curve`` in the frontmatter)."""

    BASIS = "basis"
    BUMP_X = "bumpX"
    BUMP_Y = "bumpY"
    CARDINAL = "cardinal"
    CATMULL_ROM = "catmullRom"
    LINEAR = "linear"
    MONOTONE_X = "monotoneX"
    MONOTONE_Y = "monotoneY"
    NATURAL = "natural"
    STEP = "step"
    STEP_AFTER = "stepAfter"
    STEP_BEFORE = "stepBefore"


@dataclass(frozen=True, slots=True)
class NodeStyles:
    """CSS for the ``classDef`` lines: every node, the entry node, the exit node."""

    default: str = "fill:#f2f0ff,line-height:1.2"
    first: str = "fill-opacity:0"
    last: str = "fill:#bfb6fc"


Prefix = tuple[str, ...]
_SAFE_ID = re.compile(r"[^a-zA-Z0-9_-]")
_PLAIN_YAML = re.compile(r"^[A-Za-z0-9_/.][A-Za-z0-9_ /.,+-]*$")
_YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "~"}


def escape_id(node_id: str) -> str:
    r"""Turn a node id into a mermaid-safe id: other chars become ``\<hex>`` (':' -> \3a)."""
    return _SAFE_ID.sub(lambda m: f"\\{ord(m.group()):x}", node_id)


def render_mermaid(
    graph: Graph,
    *,
    with_styles: bool,
    curve_style: CurveStyle | str,
    node_colors: NodeStyles | None,
    wrap_label_n_words: int,
    frontmatter_config: Mapping[str, Any] | None,
) -> str:
    """Return the mermaid text for ``graph``; see the module docstring for its layout."""
    lines: list[str] = []
    if with_styles:
        # any enum (langchain-core's CurveStyle too) draws as its value
        curve = str(getattr(curve_style, "value", curve_style))
        lines += _frontmatter(curve, frontmatter_config)
    lines.append("graph TD;")
    first, last = graph.first_node(), graph.last_node()
    roles = {n.id: role for n, role in ((last, "last"), (first, "first")) if n is not None}
    nodes_by, edges_by, children = _group(graph)
    _render_level(
        (),
        lines,
        nodes_by,
        edges_by,
        children,
        with_styles=with_styles,
        roles=roles,
        wrap=wrap_label_n_words,
    )
    if with_styles:
        styles = node_colors or NodeStyles()
        lines += [
            f"\tclassDef default {styles.default}",
            f"\tclassDef first {styles.first}",
            f"\tclassDef last {styles.last}",
        ]
    return "\n".join(lines) + "\n"


def _prefix(node_id: str) -> Prefix:
    return tuple(node_id.split(":")[:-1])


def _common(a: Prefix, b: Prefix) -> Prefix:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _group(
    graph: Graph,
) -> tuple[dict[Prefix, list[Node]], dict[Prefix, list[Edge]], dict[Prefix, list[Prefix]]]:
    """Sort nodes and edges into subgraph levels; an edge sits at its ends' common level."""
    nodes_by: dict[Prefix, list[Node]] = {}
    edges_by: dict[Prefix, list[Edge]] = {}
    children: dict[Prefix, list[Prefix]] = {(): []}

    def register(key: Prefix) -> None:
        for depth in range(1, len(key) + 1):
            if key[:depth] not in children:
                children[key[:depth]] = []
                children[key[: depth - 1]].append(key[:depth])

    for node in graph.nodes.values():
        register(_prefix(node.id))
        nodes_by.setdefault(_prefix(node.id), []).append(node)
    for edge in graph.edges:
        key = _common(_prefix(edge.source), _prefix(edge.target))
        register(key)
        edges_by.setdefault(key, []).append(edge)
    return nodes_by, edges_by, children


def _render_level(
    key: Prefix,
    lines: list[str],
    nodes_by: dict[Prefix, list[Node]],
    edges_by: dict[Prefix, list[Edge]],
    children: dict[Prefix, list[Prefix]],
    *,
    with_styles: bool,
    roles: dict[str, str],
    wrap: int,
) -> None:
    # LangGraph's (langchain-core's) rules for which subgraph blocks appear: a subgraph level is
    # drawn from its edges, so one without edges of its own is left out with everything inside it,
    # except at the top level, where it is still drawn (its nodes only) after the others; a level
    # whose only edge is a self-loop gets no block of its own.
    edges = edges_by.get(key, [])
    block = bool(key) and not (len(edges) == 1 and edges[0].source == edges[0].target)
    if block:
        lines.append(f"\tsubgraph {key[-1]}")
    if with_styles and (block or not key):
        lines += [_node_line(n, roles.get(n.id)) for n in nodes_by.get(key, [])]
    # Self-loops go last so that mermaid lays the through-edges out first.
    ordered = sorted(edges, key=lambda e: e.source == e.target)  # stable: order kept otherwise
    lines += [_edge_line(e, wrap) for e in ordered]
    for child in children.get(key, []):
        if edges_by.get(child):
            _render_level(
                child,
                lines,
                nodes_by,
                edges_by,
                children,
                with_styles=with_styles,
                roles=roles,
                wrap=wrap,
            )
    if block:
        lines.append("\tend")
    if not key and with_styles:
        for child in children.get(key, []):
            if not edges_by.get(child) and nodes_by.get(child):
                lines.append(f"\tsubgraph {child[-1]}")
                lines += [_node_line(n, roles.get(n.id)) for n in nodes_by[child]]
                lines.append("\tend")


def _node_line(node: Node, role: str | None) -> str:
    label = f"<p>{node.name}</p>" if node.name in (START, END) else node.name
    if node.metadata:
        shown = [f"{k} = {_meta_value(v)}" for k, v in node.metadata.items() if v is not None]
        if shown:
            label += "<hr/><small><em>" + "\n".join(shown) + "</em></small>"
    if role is None:
        return f"\t{escape_id(node.id)}({label})"
    return f"\t{escape_id(node.id)}([{label}]):::{role}"


def _meta_value(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _edge_line(edge: Edge, wrap: int) -> str:
    src, dst = escape_id(edge.source), escape_id(edge.target)
    if edge.data is None:
        return f"\t{src} {'-.->' if edge.conditional else '-->'} {dst};"
    label = _wrap_label(str(edge.data), wrap)
    if edge.conditional:
        return f"\t{src} -. &nbsp;{label}&nbsp; .-> {dst};"
    return f"\t{src} -- &nbsp;{label}&nbsp; --> {dst};"


def _wrap_label(label: str, n_words: int) -> str:
    words = label.split()
    if n_words <= 0 or len(words) <= n_words:
        return label
    chunks = [" ".join(words[i : i + n_words]) for i in range(0, len(words), n_words)]
    return "&nbsp<br>&nbsp".join(chunks)


# -- frontmatter --------------------------------------------------------------
def _frontmatter(curve: str, extra: Mapping[str, Any] | None) -> list[str]:
    config: dict[str, Any] = _merge(dict(extra or {}), {"config": {"flowchart": {"curve": curve}}})
    return ["---", *_yaml_lines(config, 0), "---"]


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``override`` into a copy of ``base`` (the explicit curve style wins)."""
    out = dict(base)
    for k, v in override.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = _merge(dict(out[k]), v)
        else:
            out[k] = v
    return out


def _yaml_lines(value: Mapping[str, Any], indent: int) -> list[str]:
    pad = "  " * indent
    lines: list[str] = []
    for key in sorted(value, key=str):
        item = value[key]
        if isinstance(item, Mapping) and item:
            lines += [f"{pad}{_yaml_scalar(key)}:", *_yaml_lines(item, indent + 1)]
        elif isinstance(item, (list, tuple)) and item:
            lines.append(f"{pad}{_yaml_scalar(key)}:")
            lines += [f"{pad}- {_yaml_scalar(v)}" for v in item]
        else:
            lines.append(f"{pad}{_yaml_scalar(key)}: {_yaml_scalar(item)}")
    return lines


def _yaml_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, Mapping):
        return "{}"
    if isinstance(value, (list, tuple)):
        return "[]"
    text = str(value)
    if _PLAIN_YAML.match(text) and text.lower() not in _YAML_WORDS and not _looks_numeric(text):
        return text
    return "'" + text.replace("'", "''") + "'"


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
