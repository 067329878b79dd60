"""Checkpoint construction helpers: the cheap ISO timestamp matches datetime's."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from stategraph.pregel import _checkpoint


@pytest.mark.parametrize(
    "now_ns",
    [
        1_700_000_000_123_456_789,  # a fraction
        1_700_000_000_000_000_000,  # whole second: isoformat omits the fraction
        1_700_000_000_000_001_000,  # a single microsecond
        1_700_000_059_999_999_999,  # just before the minute rolls over
        1_700_000_060_000_500_000,  # the next second reuses nothing stale
    ],
)
def test_utc_timestamp_formats_like_datetime_isoformat(
    monkeypatch: pytest.MonkeyPatch, now_ns: int
) -> None:
    monkeypatch.setattr(time, "time_ns", lambda: now_ns)
    expected = datetime.fromtimestamp(now_ns // 1000 / 1e6, UTC).isoformat()
    assert _checkpoint.utc_timestamp() == expected
    assert datetime.fromisoformat(_checkpoint.utc_timestamp()).tzinfo is not None


def test_utc_timestamp_follows_the_clock_across_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    for second in (1_700_000_000, 1_700_000_001, 1_600_000_000):
        monkeypatch.setattr(time, "time_ns", lambda s=second: s * 1_000_000_000 + 5_000)
        assert _checkpoint.utc_timestamp().startswith(
            datetime.fromtimestamp(second, UTC).isoformat()[:19]
        )


def test_run_metadata_is_plain_only_for_exact_json_scalars() -> None:
    import enum

    class Level(enum.IntEnum):
        HIGH = 1

    plain = _checkpoint.run_metadata_is_plain
    assert plain({"configurable": {"thread_id": "t", "checkpoint_map": {"": "id"}}})
    assert plain({"metadata": {"user": "u", "n": 3, "score": 0.5, "ok": True, "none": None}})
    assert not plain({"metadata": {"score": float("nan")}})
    assert not plain({"configurable": {"limit": float("inf")}})
    assert not plain({"metadata": {"level": Level.HIGH}})  # kept by metadata_for, not plain
    assert not plain({"configurable": {"checkpoint_map": {"": 1}}})


def test_node_config_as_langgraph_builds_it(driver: object) -> None:
    from typing import Any, TypedDict

    from stategraph.checkpoint.memory import InMemorySaver
    from stategraph.config import get_config
    from stategraph.graph import START, StateGraph

    class State(TypedDict):
        x: int

    seen: list[dict[str, Any]] = []

    def node(state: State) -> dict[str, Any]:
        seen.append(get_config())
        return {}

    g = (
        StateGraph(State)
        .add_node("n", node)
        .add_edge(START, "n")
        .compile(checkpointer=InMemorySaver())
    )
    driver.run(g, {"x": 1}, {"configurable": {"thread_id": "t", "extra": 1}})  # type: ignore[attr-defined]
    driver.run(g, {"x": 1}, {"configurable": {"thread_id": "t"}, "recursion_limit": 7})  # type: ignore[attr-defined]
    first, second = seen
    # the run's thread id is in the metadata too (other configurable keys are not)
    assert first["metadata"]["thread_id"] == "t" and "extra" not in first["metadata"]
    assert first["configurable"]["checkpoint_id"] is None
    # recursion_limit is there only when the caller gave one
    assert "recursion_limit" not in first and second["recursion_limit"] == 7


def test_checkpoint_metadata_records_the_runs_metadata_run_id() -> None:
    # as LangGraph: a server's run_id reaches every checkpoint (delete_for_runs finds them)
    from typing import TypedDict

    from stategraph.checkpoint.memory import InMemorySaver
    from stategraph.graph import START, StateGraph

    class State(TypedDict):
        x: int

    g = StateGraph(State).add_node("n", lambda s: {"x": 2}).add_edge(START, "n")
    graph = g.compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "t"}, "metadata": {"run_id": "run-1", "step": 99}}
    graph.invoke({"x": 1}, config)
    history = list(graph.get_state_history({"configurable": {"thread_id": "t"}}))
    assert [s.metadata["run_id"] for s in history] == ["run-1"] * 3
    assert [s.metadata["step"] for s in history] == [1, 0, -1]  # the engine's own keys win
