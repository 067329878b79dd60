"""Turn collected results into a Markdown table: workload | libraries | floor | ratio."""

from __future__ import annotations

from typing import Any

__all__ = ["format_number", "format_value", "render", "table_rows"]

ERROR_WIDTH = 80
# results[workload][lib] is a worker result: {"ok": True, "metrics": {...}} or an error.
Results = dict[str, dict[str, dict[str, Any]]]


def format_value(value: float, unit: str) -> str:
    """Format a number with about three significant digits, plus its unit."""
    if unit == "bytes":
        for scale, name in ((1e9, "GB"), (1e6, "MB"), (1e3, "kB")):
            if value >= scale:
                return f"{value / scale:.3g} {name}"
        return f"{value:.0f} B"
    return f"{format_number(value)} {unit}"


def format_number(value: float) -> str:
    """Format a number with about three significant digits (more when it is large)."""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def _value(result: dict[str, Any] | None, label: str) -> dict[str, Any] | None:
    if result and result.get("ok"):
        return result["metrics"].get(label)
    return None


def _error(result: dict[str, Any] | None) -> str:
    if result is None or result.get("skipped"):
        return "—"
    text = str(result.get("error", "failed")).replace("|", "/").replace("\n", " ")
    short = text if len(text) <= ERROR_WIDTH else text[: ERROR_WIDTH - 1] + "…"
    return f"ERROR {short}"


def _cell(result: dict[str, Any] | None, label: str, floor: dict[str, Any] | None) -> str:
    cell = _value(result, label)
    if cell is None:
        return "—" if result and result.get("ok") else _error(result)
    text = format_value(cell["value"], cell["unit"])
    if floor and floor["value"] > 0:
        text += f" ({format_number(cell['value'] / floor['value'])}x floor)"
    return text


def _ratio(by_lib: dict[str, dict[str, Any]], label: str) -> str:
    base, ours = _value(by_lib.get("langgraph"), label), _value(by_lib.get("stategraph"), label)
    if base is None or ours is None or ours["value"] <= 0:
        return "—"
    return f"{format_number(base['value'] / ours['value'])}x"


def _labels(name: str, by_lib: dict[str, dict[str, Any]]) -> list[str]:
    labels: list[str] = []
    for result in by_lib.values():
        if result.get("ok"):
            labels += [label for label in result["metrics"] if label not in labels]
    return labels or [name]


def table_rows(results: Results, libs: list[str]) -> list[list[str]]:
    """One row per metric: label, one cell per library, floor, langgraph/stategraph."""
    rows = []
    for name, by_lib in results.items():
        for label in _labels(name, by_lib):
            floor = _value(by_lib.get("floor"), label)
            cells = [_cell(by_lib.get(lib), label, floor) for lib in libs]
            floor_cell = format_value(floor["value"], floor["unit"]) if floor else "—"
            rows.append([label, *cells, floor_cell, _ratio(by_lib, label)])
    return rows


def render(results: Results, libs: list[str]) -> str:
    """Render the results as a Markdown table with aligned columns."""
    header = ["workload", *libs, "floor", "ratio (langgraph/stategraph)"]
    rows = [header, *table_rows(results, libs)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
