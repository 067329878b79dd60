"""Smoke tests of the benchmark harness: floors, timing, selection and the table.

They need neither LangGraph nor a working engine: the floors are plain Python,
so the harness code stays exercised by the main suite.
"""

from __future__ import annotations

import pytest
from bench._spec import Settings, WrongResultError, expect
from bench._table import format_value, render
from bench._worker import FLOOR, run_one

from bench import _timing, durable, floor, graphs, workloads

QUICK = Settings(quick=True)
SMALLEST_WITH_FLOOR = ["seq_10", "fanout_100", "wide_200", "async_100x5", "thread"]


@pytest.fixture(autouse=True)
def short_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_timing, "MIN_SAMPLE_SECONDS", 0.001)


def test_chain_floor_calls_every_node_and_merges() -> None:
    assert floor.run_chain([graphs.increment] * 10, {"x": 0, "keep": "y"}) == {"x": 10, "keep": "y"}


def test_fanout_floor_folds_every_worker_result_in_order() -> None:
    assert floor.run_fanout(100)["results"] == [2 * i for i in range(100)]


def test_wide_floor_touches_three_keys_per_node() -> None:
    out = floor.run_chain(graphs.wide_nodes(20), dict.fromkeys(graphs.WIDE_KEYS, 0))
    assert len(out) == 200
    assert sum(out.values()) == 60


@pytest.mark.parametrize("name", SMALLEST_WITH_FLOOR)
def test_floor_of_smallest_workloads_reports_positive_metrics(name: str) -> None:
    result = run_one(FLOOR, name, QUICK)
    assert result["ok"], result
    for cell in result["metrics"].values():
        assert cell["value"] > 0
        assert cell["unit"] in {"us/step", "ms", "bytes"}


def test_async_floor_is_close_to_five_sleeps() -> None:
    ms = run_one(FLOOR, "async_100x5", QUICK)["metrics"]["async_100x5 (wall)"]["value"]
    assert 50 <= ms < 1000


def test_thread_floor_is_message_json_of_every_turn() -> None:
    assert durable.message_text_bytes(2) > 4 * graphs.MESSAGE_CHARS
    assert durable.thread_turns(QUICK) == 200
    assert durable.thread_turns(Settings()) == 1000


def test_library_failure_becomes_an_error_result() -> None:
    result = run_one("no_such_lib", "seq_10", QUICK)
    assert not result["ok"]
    assert "ModuleNotFoundError" in result["error"]


def test_workload_without_floor_is_skipped() -> None:
    assert run_one(FLOOR, "import", QUICK) == {"ok": False, "skipped": True}


def test_median_seconds_runs_enough_calls() -> None:
    calls: list[int] = []
    seconds = _timing.median_seconds(lambda: calls.append(1), repeats=3)
    assert seconds >= 0
    assert len(calls) >= 4


def test_select_by_name_prefix_and_unknown() -> None:
    assert [w.name for w in workloads.select("fanout")] == [
        "fanout_100",
        "fanout_1000",
        "fanout_10000",
    ]
    assert [w.name for w in workloads.select("seq_10,import")] == ["seq_10", "import"]
    with pytest.raises(KeyError, match="no workload matches"):
        workloads.select("nope")


def test_expect_raises_wrong_result() -> None:
    with pytest.raises(WrongResultError, match="bad"):
        expect(False, "bad")


def test_table_shows_values_floor_ratio_and_errors() -> None:
    label = "seq_10 (per step)"
    results = {
        "seq_10": {
            "langgraph": {"ok": True, "metrics": {label: {"value": 400.0, "unit": "us/step"}}},
            "stategraph": {"ok": False, "error": "ImportError: no | engine\nyet"},
            "floor": {"ok": True, "metrics": {label: {"value": 0.5, "unit": "us/step"}}},
        }
    }
    table = render(results, ["langgraph", "stategraph"])
    row = table.splitlines()[2]
    assert "400 us/step (800x floor)" in row
    assert "ERROR ImportError: no / engine yet" in row
    assert "0.500 us/step" in row
    results["seq_10"]["stategraph"] = {
        "ok": True,
        "metrics": {label: {"value": 100.0, "unit": "us/step"}},
    }
    assert "4.00x" in render(results, ["langgraph", "stategraph"])


def test_format_value_scales_bytes() -> None:
    assert format_value(890_000_000, "bytes") == "890 MB"
    assert format_value(12.345, "ms") == "12.3 ms"
