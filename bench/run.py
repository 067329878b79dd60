"""Run the benchmark suite: each workload, for each library, in a fresh subprocess.

    python -m bench.run [--only NAME[,NAME]] [--quick] [--libs langgraph,stategraph]
                        [--json out.json] [--versions] [--timeout SECONDS]

Prints a Markdown table: workload | <libs> | floor | ratio (langgraph/stategraph).
Every metric is lower-is-better, so a ratio above 1 means stategraph did better.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from time import perf_counter
from typing import Any

from bench._table import render
from bench._worker import FLOOR, RESULT_MARK
from bench.workloads import select

__all__ = ["collect", "main", "run_worker", "versions"]

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [
    "stategraph",
    "langgraph",
    "langgraph-checkpoint",
    "langgraph-checkpoint-sqlite",
    "langgraph-checkpoint-postgres",
    "psycopg",
    "langchain-core",
    "aiosqlite",
    "ormsgpack",
]


def versions() -> dict[str, str]:
    """Versions of Python, the machine and every package the bench touches."""
    found = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": str(os.cpu_count()),
    }
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def run_worker(lib: str, name: str, *, quick: bool, timeout: float) -> dict[str, Any]:
    """Run one workload for one library in a fresh interpreter and return its result."""
    command = [sys.executable, "-m", "bench._worker", lib, name, *(["--quick"] if quick else [])]
    try:
        done = subprocess.run(
            command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": f"timed out after {timeout:.0f} s"}
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK) :])
    last = (done.stderr.strip().splitlines() or ["no output"])[-1]
    return {"ok": False, "error": f"worker exited {done.returncode}: {last}"}


def collect(names: list[str], libs: list[str], *, quick: bool, timeout: float) -> dict[str, Any]:
    """Run every (workload, library) pair plus the floor; report progress on stderr."""
    results: dict[str, Any] = {}
    for name in names:
        results[name] = {}
        for lib in [*libs, FLOOR]:
            start = perf_counter()
            result = run_worker(lib, name, quick=quick, timeout=timeout)
            results[name][lib] = result
            status = "ok" if result.get("ok") else ("-" if result.get("skipped") else "error")
            print(
                f"  {name:<16} {lib:<11} {status:<5} {perf_counter() - start:6.1f} s",
                file=sys.stderr,
                flush=True,
            )
    return results


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="comma list of workload names or prefixes (e.g. seq,thread)")
    parser.add_argument("--quick", action="store_true", help="fewer repeats, 200-turn thread")
    parser.add_argument("--libs", default="langgraph,stategraph", help="comma list of import roots")
    parser.add_argument("--json", metavar="PATH", help="also write all results as JSON here")
    parser.add_argument("--versions", action="store_true", help="print versions and exit")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per worker")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the selected workloads and print the table."""
    args = _parse(argv)
    found = versions()
    if args.versions:
        print("\n".join(f"{key}: {value}" for key, value in found.items()))
        return 0
    libs = [lib.strip() for lib in args.libs.split(",") if lib.strip()]
    names = [w.name for w in select(args.only)]
    started = perf_counter()
    results = collect(names, libs, quick=args.quick, timeout=args.timeout)
    elapsed = perf_counter() - started
    print(", ".join(f"{key} {value}" for key, value in found.items()))
    print(f"mode: {'quick' if args.quick else 'full'}; suite took {elapsed:.0f} s\n")
    print(render(results, libs))
    if args.json:
        payload = {"versions": found, "quick": args.quick, "seconds": elapsed, "results": results}
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
