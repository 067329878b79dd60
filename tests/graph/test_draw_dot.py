"""Graphviz drawings: DOT source, and PNG/SVG made by the local ``dot`` program."""

from __future__ import annotations

import shutil
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from stategraph.errors import StategraphError
from stategraph.graph._draw import _dot

from .test_draw import parent_087

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's dot is not installed"
)


def test_dot_source_has_every_node_and_edge_with_clusters_for_subgraphs():
    text = parent_087(True).draw_dot()
    assert text.startswith("digraph G {") and text.rstrip().endswith("}")
    assert '"router" [label="router", shape=box' in text
    assert '"__start__" [label="__start__", shape=oval' in text
    assert 'subgraph cluster_0 { label="child";' in text  # xray inlines the subgraph
    assert '"router" -> "__end__" [style=dashed, label="stop"];' in text
    assert '"__start__" -> "router";' in text


def test_names_are_quoted_so_they_cannot_break_the_source():
    assert _dot._quote('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'


@needs_dot
def test_draw_png_makes_a_valid_png(tmp_path: Path):
    image = parent_087(True).draw_png()
    assert image[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", image[16:24])  # the IHDR chunk
    assert width > 50 and height > 50
    target = tmp_path / "graph.png"
    assert parent_087(False).draw_png(str(target)) is None
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@needs_dot
def test_draw_svg_names_every_node():
    svg = parent_087(False).draw_svg()
    texts = {el.text for el in ET.fromstring(svg).iter() if el.tag.endswith("text")}
    assert {"router", "left", "right", "child", "__start__", "__end__", "stop"} <= texts


def test_without_graphviz_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(_dot.shutil, "which", lambda name: None)
    with pytest.raises(StategraphError, match="apt install graphviz"):
        parent_087(False).draw_png()
    with pytest.raises(StategraphError, match="formats are png, svg"):
        _dot.render_image("digraph G {}", "gif")
