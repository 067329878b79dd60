"""The ``stategraph`` command line: ``stategraph dev`` serves a langgraph.json with uvicorn."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``stategraph`` command."""
    parser = argparse.ArgumentParser(prog="stategraph", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command in ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        import uvicorn

        from .server import ConfigError, create_app
    except ImportError as exc:
        print(
            f"stategraph dev needs the server extra: pip install 'stategraph[server]' ({exc})",
            file=sys.stderr,
        )
        return 2
    try:
        app = create_app(args.config, database=args.database)
    except (ConfigError, TypeError) as exc:
        print(f"stategraph dev: {exc}", file=sys.stderr)
        return 2
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
