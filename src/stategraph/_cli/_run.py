"""``stategraph run`` and ``stategraph resume``: a thread's run with a progress display."""

from __future__ import annotations

import json
import sys
import time
from contextlib import nullcontext
from typing import Any, TextIO

from ..types import Command
from ._load import CliError, json_arg, load_graph, open_saver

__all__ = ["resume", "run"]

INTERRUPTED = 3  # exit status of a run that stopped on an interrupt


def run(args: Any, out: TextIO | None = None) -> int:
    """Run a graph on ``--input``; stream its updates; print the final state as JSON."""
    out = sys.stdout if out is None else out  # why: read at call time (redirect_stdout)
    graph_input = json_arg(args.input, "--input")
    if graph_input is None:
        raise CliError(
            "stategraph run needs --input JSON (resume a thread with stategraph resume)."
        )
    return _drive(args, graph_input, out)


def resume(args: Any, out: TextIO | None = None) -> int:
    """Answer a thread's pending interrupt with ``--value`` and run on."""
    out = sys.stdout if out is None else out  # why: read at call time (redirect_stdout)
    return _drive(args, Command(resume=json_arg(args.value, "--value")), out)


def _drive(args: Any, graph_input: Any, out: TextIO) -> int:
    config = {"configurable": {"thread_id": args.thread}} if args.thread else {}
    context = json_arg(getattr(args, "context", None), "--context")
    with open_saver(args.db) if args.thread else nullcontext() as saver:
        graph = load_graph(args.graph, saver)  # no thread: the graph as its module made it
        started, step, values, waiting = time.monotonic(), 0, None, None
        live = out.isatty()
        modes = ["updates", "values"]
        for mode, chunk in graph.stream(graph_input, config, context=context, stream_mode=modes):
            if mode == "values":
                values = chunk
                continue
            for node, update in chunk.items():
                if node == "__interrupt__":
                    waiting = [getattr(i, "value", i) for i in update]
                    continue
                step += 1
                _progress(out, live, step, node, update, time.monotonic() - started)
        if live:
            out.write("\n")
    if waiting is not None:
        print(json.dumps({"interrupt": waiting}, default=str), file=out)
        hint = f"stategraph resume {args.graph} --thread {args.thread} --value JSON"
        print(f"interrupted; answer with: {hint}", file=sys.stderr)
        return INTERRUPTED
    print(json.dumps(values if values is not None else {}, default=str), file=out)
    return 0


def _progress(out: TextIO, live: bool, step: int, node: str, update: Any, elapsed: float) -> None:
    keys = ", ".join(sorted(update)) if isinstance(update, dict) else type(update).__name__
    line = f"[{elapsed:6.2f}s] update {step}: {node} -> {keys or '(nothing)'}"
    if live:
        out.write("\r\x1b[K" + line)
        out.flush()
    else:
        print(line, file=sys.stderr)
