"""Render the benchmark results (``python -m bench.run --json PATH``) as PNG plots.

    python -m bench.plots PATH [--out docs/assets/perf]

One plot per workload family (LangGraph, stategraph and the floor side by side, log scale when
the values span more than a decade) plus ``ratios.png``: langgraph/stategraph for every row.
Every metric is lower-is-better, so a ratio above 1 means stategraph did better.
Needs matplotlib (the ``docs`` extra); it is imported only when plots are rendered.
"""

from __future__ import annotations

import argparse
import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["FAMILIES", "Family", "Row", "main", "render_plots", "rows_of"]

LIBS = ("langgraph", "stategraph", "floor")
COLORS = {"langgraph": "#9e9e9e", "stategraph": "#3f51b5", "floor": "#ffb300"}
LOG_SPAN = 10.0  # a family whose largest value exceeds its smallest this many times gets a log axis


@dataclass(frozen=True, slots=True)
class Family:
    """Workloads drawn on one plot: their names match ``pattern``, their unit is ``unit``."""

    file: str
    title: str
    pattern: str
    unit: str | None = None  # None: any unit (a family must still have only one)


@dataclass(frozen=True, slots=True)
class Row:
    """One metric row: its label, unit, the value per library that has one, the libraries that failed."""

    workload: str
    label: str
    unit: str
    values: dict[str, float]
    failed: frozenset[str]


FAMILIES = [
    Family("engine.png", "Per-step engine overhead, no checkpointer", r"seq_\d+$"),
    Family("checkpointed.png", "Per-step cost with a checkpointer", r"seq_\d+_(memory|sqlite)$"),
    Family("fanout.png", "Fan-out: one superstep of N Send workers", r"fanout_\d+$"),
    Family("wide_async.png", "Wide state and async concurrency", r"(wide_\d+|async_\w+)$"),
    Family("import.png", "Cold import of <lib>.graph", r"import$"),
    Family("interrupt.png", "Human in the loop: cost per resume", r"interrupt_\d+$"),
    Family("thread_storage.png", "Long chat thread: database size", r"(pg_)?thread$", "bytes"),
    Family("thread_turns.png", "Long chat thread: time per turn", r"(pg_)?thread$", "ms"),
    Family("postgres.png", "Checkpointing on PostgreSQL", r"pg_seq_\w+$"),
    Family(
        "store.png",
        "Long-term store: put, get, search (10k items)",
        r"store_(memory|sqlite|postgres)$",
    ),
    Family(
        "store_vector.png", "Semantic search latency (64-dim vectors)", r"store_\w+_vector(_100k)?$"
    ),
    Family("tracing.png", "OpenTelemetry tracing cost (stategraph only)", r"trace_\w+$"),
]


def _value(result: dict[str, Any] | None, label: str) -> float | None:
    if result and result.get("ok") and label in result.get("metrics", {}):
        return float(result["metrics"][label]["value"])
    return None


def rows_of(results: dict[str, dict[str, Any]]) -> list[Row]:
    """Flatten ``results[workload][lib]`` into one row per metric label."""
    rows: list[Row] = []
    for workload, by_lib in results.items():
        units: dict[str, str] = {}
        for result in by_lib.values():
            if result.get("ok"):
                for label, cell in result["metrics"].items():
                    units.setdefault(label, cell["unit"])
        failed = frozenset(
            lib
            for lib, result in by_lib.items()
            if not result.get("ok") and not result.get("skipped")
        )
        for label, unit in units.items():
            values = {lib: v for lib in by_lib if (v := _value(by_lib[lib], label)) is not None}
            rows.append(Row(workload, label, unit, values, failed))
    return rows


def _members(family: Family, rows: list[Row]) -> list[Row]:
    return [
        row
        for row in rows
        if re.fullmatch(family.pattern, row.workload) and family.unit in (None, row.unit)
    ]


def _axis_unit(family: Family, rows: list[Row]) -> str:
    units = sorted({row.unit for row in rows})
    if len(units) != 1:
        raise ValueError(
            f"bench.plots: family {family.file!r} mixes units {units}; give it a unit= so each "
            "plot has one axis."
        )
    return units[0]


def _draw_family(plt: Any, family: Family, rows: list[Row], path: Path) -> None:
    unit = _axis_unit(family, rows)
    libs = [lib for lib in LIBS if any(lib in row.values or lib in row.failed for row in rows)]
    present = [v for row in rows for v in row.values.values() if v > 0] or [1.0]
    fig, ax = plt.subplots(figsize=(max(5.0, 1.6 * len(rows) + 2), 4.2))
    width = 0.8 / max(len(libs), 1)
    for i, lib in enumerate(libs):
        xs = [n + (i - (len(libs) - 1) / 2) * width for n in range(len(rows))]
        heights = [row.values.get(lib) or 0.0 for row in rows]
        ax.bar(xs, heights, width, label=lib, color=COLORS[lib])
        for x, row in zip(xs, rows, strict=True):
            if lib in row.failed:  # the library ran and failed: say so where its bar would be
                ax.annotate(
                    "error", (x, min(present)), rotation=90, ha="center", va="bottom", fontsize=7
                )
    for n, row in enumerate(rows):
        base, ours = row.values.get("langgraph"), row.values.get("stategraph")
        if base and ours:
            top = max(row.values.values())
            ax.annotate(
                f"{base / ours:.3g}x", (n, top), ha="center", va="bottom", fontsize=8, weight="bold"
            )
    if max(present) / min(present) > LOG_SPAN:
        ax.set_yscale("log")
    ax.set_xticks(range(len(rows)), [textwrap.fill(row.label, 22) for row in rows], fontsize=7)
    ax.set_ylabel(f"{unit} (lower is better)")
    ax.set_title(family.title, fontsize=10)
    ax.margins(y=0.15)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)


def _draw_ratios(plt: Any, rows: list[Row], path: Path) -> None:
    pairs = [
        (row.label, row.values["langgraph"] / row.values["stategraph"])
        for row in rows
        if row.values.get("langgraph") and row.values.get("stategraph")
    ]
    fig, ax = plt.subplots(figsize=(9.0, 0.32 * len(pairs) + 1.4))
    labels = [label for label, _ in pairs][::-1]
    ratios = [ratio for _, ratio in pairs][::-1]
    ax.barh(labels, ratios, color=[COLORS["stategraph"] if r >= 1 else "#e53935" for r in ratios])
    for y, ratio in enumerate(ratios):
        ax.annotate(
            f"{ratio:.3g}x",
            (ratio, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
        )
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_xlabel("LangGraph / stategraph (above 1x: stategraph is better)")
    ax.tick_params(axis="y", labelsize=7)
    ax.set_title("Every row, LangGraph / stategraph", fontsize=10)
    ax.margins(x=0.12)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)


def render_plots(payload: dict[str, Any], out_dir: Path) -> list[Path]:
    """Draw every family with data, plus ``ratios.png``, into ``out_dir``; return the files."""
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    import matplotlib.pyplot as plt

    if "results" not in payload:
        raise ValueError(
            "bench.plots: the JSON has no 'results' key; write it with bench.run --json PATH."
        )
    rows = rows_of(payload["results"])
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for family in FAMILIES:
        members = _members(family, rows)
        if members:
            _draw_family(plt, family, members, out_dir / family.file)
            written.append(out_dir / family.file)
    if any(row.values.get("langgraph") and row.values.get("stategraph") for row in rows):
        _draw_ratios(plt, rows, out_dir / "ratios.png")
        written.append(out_dir / "ratios.png")
    return written


def main(argv: list[str] | None = None) -> int:
    """Read the results JSON and write the plots."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.plots", description=__doc__.split("\n")[0]
    )
    parser.add_argument("results", help="a JSON file written by python -m bench.run --json")
    parser.add_argument("--out", default="docs/assets/perf", help="directory for the PNG files")
    args = parser.parse_args(argv)
    payload = json.loads(Path(args.results).read_text(encoding="utf-8"))
    for path in render_plots(payload, Path(args.out)):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
