"""``stategraph draw``: a graph as mermaid, ASCII, PNG or SVG (rendered on this machine)."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from ._load import CliError, load_graph

__all__ = ["draw"]


def draw(args: Any, out: TextIO | None = None) -> int:
    """Print the drawing, or write it to ``--output`` (needed for PNG)."""
    out = sys.stdout if out is None else out  # why: read at call time (redirect_stdout)
    drawing = load_graph(args.graph).get_graph(xray=args.xray)
    if args.format == "png":
        if not args.output:
            raise CliError("stategraph draw --format png needs --output FILE.")
        drawing.draw_png(args.output)
        return 0
    text = {"mermaid": drawing.draw_mermaid, "ascii": drawing.draw_ascii, "svg": drawing.draw_svg}[
        args.format
    ]()
    if args.output:
        with open(args.output, "w", encoding="utf-8") as target:
            target.write(text)
    else:
        out.write(text if text.endswith("\n") else text + "\n")
    return 0
