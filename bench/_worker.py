"""Run one workload for one library in this fresh process and print the result as JSON.

Usage: ``python -m bench._worker LIB WORKLOAD [--quick]``, where LIB is an import
root (``langgraph``, ``stategraph``) or ``floor``. :mod:`bench.run` starts one of
these per (workload, library), so one library's imports never leak into another's.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from typing import Any

from bench._spec import Settings
from bench.workloads import WORKLOADS

__all__ = ["FLOOR", "RESULT_MARK", "main", "run_one"]

FLOOR = "floor"
RESULT_MARK = "BENCH-RESULT "


def run_one(lib: str, name: str, settings: Settings) -> dict[str, Any]:
    """Run workload ``name`` for ``lib`` and return ``{"ok": ..., "metrics"|"error": ...}``.

    A failure of the library under test is a result, not a crash: the error text
    goes in the table cell and the traceback in the JSON output.
    """
    workload = WORKLOADS[name]
    try:
        if lib == FLOOR:
            if workload.floor is None:
                return {"ok": False, "skipped": True}
            metrics = workload.floor(settings)
        else:
            metrics = workload.run(lib, settings)
    except Exception as exc:  # why: any failure of the library is reported, not raised
        return {
            "ok": False,
            "error": f"{type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(limit=-8),
        }
    return {"ok": True, "metrics": metrics}


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run one workload, print ``RESULT_MARK`` + JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench._worker")
    parser.add_argument("lib")
    parser.add_argument("workload", choices=sorted(WORKLOADS))
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    result = run_one(args.lib, args.workload, Settings(quick=args.quick))
    sys.stdout.write(RESULT_MARK + json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
