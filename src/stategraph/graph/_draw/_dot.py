"""Render a drawable ``Graph`` as Graphviz DOT, and DOT as PNG/SVG with the ``dot`` program.

Images are made on this machine by Graphviz (Debian/Ubuntu: ``apt install graphviz``;
macOS: ``brew install graphviz``); nothing is sent to a web service.  Nodes inlined from
subgraphs (ids ``child:inner``) are grouped in clusters; conditional edges are dashed
and carry their label.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import TYPE_CHECKING

from ...constants import END, START
from ...errors import StategraphError

if TYPE_CHECKING:
    from ._model import Graph

__all__ = ["render_dot", "render_image"]

_FORMATS = ("png", "svg")
_TIMEOUT = 60.0  # seconds; a drawing of a few hundred nodes takes well under one


def _quote(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _node_line(node_id: str, label: str) -> str:
    if node_id in (START, END):
        return f'{_quote(node_id)} [label={_quote(label)}, shape=oval, style=filled, fillcolor="#f2f0ff"];'
    return f"{_quote(node_id)} [label={_quote(label)}, shape=box, style=rounded];"


def render_dot(graph: Graph, *, fontname: str | None = None) -> str:
    """Return DOT source for ``graph`` (top to bottom)."""
    lines = ["digraph G {", "  rankdir=TB;"]
    if fontname:
        lines.append(f"  node [fontname={_quote(fontname)}]; edge [fontname={_quote(fontname)}];")
    clusters: dict[str, list[str]] = {}
    for node_id, node in graph.nodes.items():
        prefix, _, _ = node_id.rpartition(":")
        clusters.setdefault(prefix, []).append(_node_line(node_id, node.name))
    lines += [f"  {line}" for line in clusters.pop("", [])]
    for index, (prefix, members) in enumerate(sorted(clusters.items())):
        lines.append(f"  subgraph cluster_{index} {{ label={_quote(prefix)};")
        lines += [f"    {line}" for line in members]
        lines.append("  }")
    for edge in graph.edges:
        attributes = []
        if edge.conditional:
            attributes.append("style=dashed")
        if edge.data is not None:
            attributes.append(f"label={_quote(str(edge.data))}")
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f"  {_quote(edge.source)} -> {_quote(edge.target)}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_image(dot_source: str, image_format: str) -> bytes:
    """Run Graphviz's ``dot`` on ``dot_source``; return the PNG or SVG bytes."""
    if image_format not in _FORMATS:
        raise StategraphError(
            f"Cannot draw a graph as {image_format!r}: the formats are {', '.join(_FORMATS)}."
        )
    program = shutil.which("dot")
    if program is None:
        raise StategraphError(
            f"Drawing a graph as {image_format.upper()} needs Graphviz's `dot` program, which "
            "is not on PATH. Install Graphviz (apt install graphviz, brew install graphviz), "
            "or use draw_mermaid() / draw_ascii(), which need nothing."
        )
    done = subprocess.run(
        [program, f"-T{image_format}"],
        input=dot_source.encode(),
        capture_output=True,
        timeout=_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        raise StategraphError(f"Graphviz could not draw the graph: {message}")
    return done.stdout
