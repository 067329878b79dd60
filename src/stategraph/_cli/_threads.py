"""``stategraph threads``: list, show, history, diff and prune threads in a saver."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from ._load import CliError, open_saver

__all__ = ["threads"]


def threads(args: Any, out: TextIO | None = None) -> int:
    """Dispatch ``threads list|show|history|diff|prune``."""
    out = sys.stdout if out is None else out  # why: read at call time (redirect_stdout)
    with open_saver(args.db) as saver:
        if args.action == "list":
            seen: dict[str, str] = {}
            for found in saver.list(None):
                conf = found.config["configurable"]
                seen.setdefault(conf["thread_id"], conf["checkpoint_id"])
            for thread_id, newest in seen.items():
                print(f"{thread_id}\t{newest}", file=out)
            return 0
        if not args.thread:
            raise CliError(f"stategraph threads {args.action} needs --thread ID.")
        if args.action == "prune":
            saver.prune([args.thread], keep_last=args.keep_last)
            return 0
        history = list(saver.list({"configurable": {"thread_id": args.thread}}))
        if not history:
            raise CliError(f"Thread {args.thread!r} has no checkpoints in {args.db}.")
        if args.action == "show":
            _print(out, _row(history[0]) | {"values": _values(history[0])})
        elif args.action == "history":
            for found in history:
                _print(out, _row(found))
        else:  # diff: what changed between each checkpoint and the one before it
            for newer, older in zip(history, history[1:], strict=False):
                _print(out, _row(newer) | {"changed": _diff(older, newer)})
    return 0


def _row(found: Any) -> dict[str, Any]:
    return {
        "checkpoint_id": found.config["configurable"]["checkpoint_id"],
        "step": found.metadata.get("step"),
        "source": found.metadata.get("source"),
    }


def _values(found: Any) -> dict[str, Any]:
    """A checkpoint's state keys (the engine's own ``__...__`` channels left out)."""
    values = found.checkpoint["channel_values"]
    return {key: value for key, value in values.items() if not key.startswith("__")}


def _diff(older: Any, newer: Any) -> dict[str, Any]:
    before, after = _values(older), _values(newer)
    keys = sorted(set(before) | set(after))
    return {key: after.get(key) for key in keys if before.get(key) != after.get(key)}


def _print(out: TextIO, row: dict[str, Any]) -> None:
    print(json.dumps(row, default=str), file=out)
