"""``stategraph dev``: serve the graphs of a langgraph.json over the LangGraph Server API."""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["dev"]


def dev(args: Any) -> int:
    """Run uvicorn on ``create_app`` (embedded mode: SQLite, in memory by default)."""
    try:
        import uvicorn

        from ..server import ConfigError, create_app
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
