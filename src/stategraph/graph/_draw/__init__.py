"""Drawable graphs for ``get_graph()``: the ``Graph`` value, mermaid and ASCII output.

A small stand-in for langchain-core's ``runnables.graph`` with the same public
attributes; ``build_drawable`` is what the compiled graph calls to fill it.
"""

from __future__ import annotations

from ._build import build_drawable as build_drawable
from ._mermaid import CurveStyle as CurveStyle
from ._mermaid import NodeStyles as NodeStyles
from ._model import Edge as Edge
from ._model import Graph as Graph
from ._model import Node as Node

__all__ = ["Graph", "Node", "Edge", "CurveStyle", "NodeStyles", "build_drawable"]
