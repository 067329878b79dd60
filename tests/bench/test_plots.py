"""bench/plots.py: results JSON -> rows -> one PNG per workload family plus ratios.png."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from bench.plots import FAMILIES, Family, main, render_plots, rows_of

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _ok(**metrics: tuple[float, str]) -> dict:
    return {"ok": True, "metrics": {k: {"value": v, "unit": u} for k, (v, u) in metrics.items()}}


SAMPLE = {
    "versions": {"python": "3.11.7"},
    "quick": True,
    "results": {
        "seq_10": {
            "langgraph": _ok(**{"seq_10 (per step)": (160.0, "us/step")}),
            "stategraph": _ok(**{"seq_10 (per step)": (8.0, "us/step")}),
            "floor": _ok(**{"seq_10 (per step)": (0.15, "us/step")}),
        },
        "seq_100_sqlite": {
            "langgraph": _ok(**{"seq_100_sqlite (per step)": (880.0, "us/step")}),
            "stategraph": _ok(**{"seq_100_sqlite (per step)": (72.0, "us/step")}),
            "floor": {"ok": False, "skipped": True},
        },
        "thread": {
            "langgraph": _ok(**{"db bytes": (3.6e7, "bytes"), "ms/turn": (6.4, "ms")}),
            "stategraph": _ok(**{"db bytes": (2.5e5, "bytes"), "ms/turn": (0.87, "ms")}),
            "floor": _ok(**{"db bytes": (5.2e4, "bytes")}),
        },
        "store_sqlite_vector": {
            "langgraph": {"ok": False, "error": "AttributeError: no enable_load_extension"},
            "stategraph": _ok(**{"vector search @10k": (44.0, "ms")}),
            "floor": {"ok": False, "skipped": True},
        },
    },
}


def test_rows_keep_values_failures_and_units() -> None:
    rows = {row.label: row for row in rows_of(SAMPLE["results"])}
    assert rows["seq_10 (per step)"].values == {
        "langgraph": 160.0,
        "stategraph": 8.0,
        "floor": 0.15,
    }
    assert rows["seq_100_sqlite (per step)"].failed == frozenset()  # a skipped floor is no failure
    assert rows["vector search @10k"].failed == {"langgraph"}
    assert rows["vector search @10k"].values == {"stategraph": 44.0}
    assert (rows["db bytes"].unit, rows["ms/turn"].unit) == ("bytes", "ms")
    assert rows["ms/turn"].values == {"langgraph": 6.4, "stategraph": 0.87}


def test_every_family_pattern_is_a_distinct_file() -> None:
    assert len({family.file for family in FAMILIES}) == len(FAMILIES)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_renders_one_valid_png_per_family_with_data(tmp_path) -> None:
    pytest.importorskip("matplotlib", reason="plots need matplotlib: pip install -e '.[docs]'")
    written = render_plots(SAMPLE, tmp_path / "perf")
    names = sorted(path.name for path in written)
    assert names == sorted(
        [
            "engine.png",
            "checkpointed.png",
            "thread_storage.png",
            "thread_turns.png",
            "store_vector.png",
            "ratios.png",
        ]
    )
    for path in written:
        width, height = _png_size(path.read_bytes())
        assert width > 300 and height > 200, (path.name, width, height)
    assert sorted(p.name for p in (tmp_path / "perf").iterdir()) == names


def test_cli_reads_a_results_file(tmp_path, capsys) -> None:
    pytest.importorskip("matplotlib", reason="plots need matplotlib: pip install -e '.[docs]'")
    results = tmp_path / "results.json"
    results.write_text(json.dumps(SAMPLE))
    assert main([str(results), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out.split()
    assert len(printed) == 6 and all(_png_size(open(p, "rb").read()) for p in printed)


def test_a_family_mixing_units_is_refused(tmp_path, monkeypatch) -> None:
    pytest.importorskip("matplotlib", reason="plots need matplotlib: pip install -e '.[docs]'")
    import bench.plots

    monkeypatch.setattr(bench.plots, "FAMILIES", [Family("thread.png", "thread", r"thread$")])
    with pytest.raises(ValueError, match=r"mixes units \['bytes', 'ms'\]"):
        render_plots(SAMPLE, tmp_path)


def test_a_file_without_results_is_refused(tmp_path) -> None:
    pytest.importorskip("matplotlib", reason="plots need matplotlib: pip install -e '.[docs]'")
    with pytest.raises(ValueError, match="bench.run --json"):
        render_plots({"versions": {}}, tmp_path)


def test_committed_plots_are_the_ones_the_committed_results_render(tmp_path) -> None:
    # docs/assets/perf holds results.json and the PNGs drawn from it; the performance guide
    # shows each PNG. A re-run that adds or drops a family must update all three.
    pytest.importorskip("matplotlib", reason="plots need matplotlib: pip install -e '.[docs]'")
    perf = Path(__file__).resolve().parents[2] / "docs" / "assets" / "perf"
    payload = json.loads((perf / "results.json").read_text(encoding="utf-8"))
    drawn = {path.name for path in render_plots(payload, tmp_path)}
    assert drawn == {path.name for path in perf.glob("*.png")}
    guide = (perf.parents[1] / "guides" / "performance.md").read_text(encoding="utf-8")
    assert {name for name in drawn if f"../assets/perf/{name}" not in guide} == set()
