"""The ``stategraph`` command: run, resume, inspect, draw and serve graphs from a terminal.

    stategraph run ./agent.py:graph --input '{"messages": []}' --thread t1
    stategraph resume ./agent.py:graph --thread t1 --value '"yes"'
    stategraph threads history --thread t1 [--db sqlite:///.stategraph/checkpoints.sqlite]
    stategraph draw ./agent.py:graph --format png --output graph.png
    stategraph dev --config langgraph.json [--host 127.0.0.1] [--port 2024]
    stategraph serve --config langgraph.json [--workers N] --postgres-uri URI --redis-uri URI
    stategraph worker --config langgraph.json --postgres-uri URI --redis-uri URI

Threads live in ``--db`` (a SQLite path or ``sqlite:///path``, or a ``postgresql://`` URL;
default ``.stategraph/checkpoints.sqlite``).  Exit status: 0 done, 2 a usage mistake,
3 the run stopped on an interrupt (resume it).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._cli._load import DEFAULT_DB, CliError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``stategraph`` command.

    Examples:
        >>> from stategraph.cli import build_parser
        >>> args = build_parser().parse_args(["run", "app.py:graph", "--input", '{"x": 1}'])
        >>> args.command, args.graph, args.input, args.thread
        ('run', 'app.py:graph', '{"x": 1}', None)
        >>> build_parser().parse_args(["dev", "--port", "8123"]).port
        8123
    """
    parser = argparse.ArgumentParser(
        prog="stategraph",
        description="Run, resume, inspect, draw and serve graphs from a terminal.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (("run", "run a graph"), ("resume", "answer a thread's interrupt")):
        sub = commands.add_parser(name, help=helptext)
        sub.add_argument("graph", help="path.py:attribute (a compiled graph or a builder)")
        sub.add_argument("--thread", help="thread id (checkpoints kept in --db)")
        sub.add_argument("--db", default=DEFAULT_DB, help="checkpoint database URL or path")
        sub.add_argument("--context", help="runtime context as JSON")
        if name == "run":
            sub.add_argument("--input", help="the graph input as JSON")
        else:
            sub.add_argument("--value", required=True, help="the resume value as JSON")
    threads = commands.add_parser("threads", help="inspect threads in a checkpoint database")
    threads.add_argument("action", choices=["list", "show", "history", "diff", "prune"])
    threads.add_argument("--thread")
    threads.add_argument("--db", default=DEFAULT_DB)
    threads.add_argument("--keep-last", type=int, default=1, help="for prune")
    dev = commands.add_parser(
        "dev", help="serve the graphs of a langgraph.json over the LangGraph Server API"
    )
    dev.add_argument("--config", default="langgraph.json", help="config file (langgraph.json)")
    dev.add_argument("--host", default="127.0.0.1", help="interface to bind (127.0.0.1)")
    dev.add_argument("--port", type=int, default=2024, help="port to bind (2024)")
    dev.add_argument(
        "--database",
        default=":memory:",
        help="SQLite file for checkpoints, threads and runs (default: in memory, lost on exit)",
    )
    dev.add_argument("--no-reload", action="store_true", help="do not restart when files change")
    _add_serve_commands(commands)
    draw = commands.add_parser("draw", help="draw a graph")
    draw.add_argument("graph")
    draw.add_argument("--format", choices=["mermaid", "ascii", "png", "svg"], default="mermaid")
    draw.add_argument("--output")
    draw.add_argument("--xray", action="store_true", help="inline subgraphs")
    return parser


def _add_serve_commands(commands: Any) -> None:
    from ._cli._serve import add_scale_arguments

    serve = commands.add_parser(
        "serve", help="serve graphs: SQLite file, or Postgres + Redis with worker processes"
    )
    add_scale_arguments(serve)
    serve.add_argument("--host", default="127.0.0.1", help="interface to bind (127.0.0.1)")
    serve.add_argument("--port", type=int, default=2024, help="port to bind (2024)")
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes (scale-out; 0: in this one)"
    )
    serve.add_argument(
        "--database",
        default=".stategraph/server.sqlite",
        help="SQLite file of the embedded mode (without --postgres-uri/--redis-uri)",
    )
    worker = commands.add_parser("worker", help="execute runs from Postgres + Redis (no HTTP)")
    add_scale_arguments(worker)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status.

    ``stategraph run`` prints the graph's output as JSON (progress goes to stderr); a
    usage problem is reported on stderr with exit status 2.

    Examples:
        >>> from pathlib import Path
        >>> from stategraph.cli import main
        >>> _ = Path("app.py").write_text('''
        ... from typing_extensions import TypedDict
        ... from stategraph.graph import START, StateGraph
        ... class State(TypedDict):
        ...     x: int
        ... builder = StateGraph(State).add_node("inc", lambda s: {"x": s["x"] + 1})
        ... graph = builder.add_edge(START, "inc").compile()
        ... ''')
        >>> main(["run", "app.py:graph", "--input", '{"x": 1}'])
        {"x": 2}
        0
        >>> main(["run", "app.py:graph", "--thread", "t1", "--db", "runs.db", "--input", '{"x": 5}'])
        {"x": 6}
        0
        >>> main(["threads", "list", "--db", "runs.db"])
        t1 ...
        0
    """
    args = build_parser().parse_args(argv)
    try:
        if args.command in ("run", "resume"):
            from ._cli import _run

            return getattr(_run, args.command)(args)
        if args.command == "dev":
            from ._cli._serve import dev

            return dev(args)
        if args.command in ("serve", "worker"):
            from ._cli import _serve

            return getattr(_serve, args.command)(args)
        if args.command == "threads":
            from ._cli._threads import threads

            return threads(args)
        from ._cli._draw import draw

        return draw(args)
    except CliError as exc:
        print(f"stategraph {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
