"""Task ids and stored paths: deterministic, in one format, equal to the values main computed."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from stategraph.constants import PULL, PUSH
from stategraph.pregel import _task
from stategraph.pregel._ids import interrupt_id, task_id
from stategraph.pregel._task import Task, path_text


def _task_for(seed: str, ns: str, step: int, name: str, path: Any, triggers: Any) -> Task:
    loop = SimpleNamespace(id_seed=seed, checkpoint_ns=ns)
    return Task(loop, None, name, None, path, triggers, step)  # type: ignore[arg-type]


def test_ids_keep_their_pinned_values() -> None:
    # values computed by the implementation before the per-node caching: stored threads keep
    # matching their pending writes
    parts = ("1f0-seed", "parent:abc", "3", "n1", PULL, "n1", "a", "branch:to:n1")
    assert task_id(*parts) == "a1a7b3b7-f726-4758-72d5-d4d427c0a3f1"
    assert task_id("1f0-seed", "", "7", "n1", PUSH, "2") == "32011a78-7e96-3db8-559e-25d79e498c8d"
    assert interrupt_id("n1:abc", 0) == "fe19006d6a5ffde318d96c1040c42239"
    assert interrupt_id("n1:abc", 2) == "92caf8c1f3e11c4e4ccd766ddd91c9bc"


def test_pull_task_id_uses_sorted_triggers_and_every_part() -> None:
    task = _task_for("1f0-seed", "parent:abc", 3, "n1", (PULL, "n1"), ("branch:to:n1", "a"))
    assert task.id == "a1a7b3b7-f726-4758-72d5-d4d427c0a3f1"
    again = _task_for("1f0-seed", "parent:abc", 3, "n1", (PULL, "n1"), ("a", "branch:to:n1"))
    assert again.id == task.id  # the cached tail is keyed by triggers, sorted inside
    for changed in (
        _task_for("1f0-seed2", "parent:abc", 3, "n1", (PULL, "n1"), ("a", "branch:to:n1")),
        _task_for("1f0-seed", "", 3, "n1", (PULL, "n1"), ("a", "branch:to:n1")),
        _task_for("1f0-seed", "parent:abc", 4, "n1", (PULL, "n1"), ("a", "branch:to:n1")),
        _task_for("1f0-seed", "parent:abc", 3, "n1", (PULL, "n1"), ("a",)),
    ):
        assert changed.id != task.id


def test_push_task_id_takes_the_generic_path() -> None:
    task = _task_for("1f0-seed", "", 7, "n1", (PUSH, 2), ())
    assert task.id == "32011a78-7e96-3db8-559e-25d79e498c8d"
    # a Send's path carries LangGraph's "not a call" flag: the id and stored path ignore it,
    # so writes saved before the flag existed still belong to their task
    flagged = _task_for("1f0-seed", "", 7, "n1", (PUSH, 2, False), ())
    assert flagged.id == task.id
    assert path_text((PUSH, 2, False)) == path_text((PUSH, 2)) == f"{PUSH}~2"


def test_caches_stay_bounded(monkeypatch: Any) -> None:
    monkeypatch.setattr(_task, "_CACHE_LIMIT", 3)
    monkeypatch.setattr(_task, "_PULL_TAILS", {})
    monkeypatch.setattr(_task, "_PATH_TEXTS", {})
    for i in range(10):
        name = f"n{i}"
        task = _task_for("seed", "", 1, name, (PULL, name), (f"branch:to:{name}",))
        assert task.id == task_id("seed", "", "1", name, PULL, name, f"branch:to:{name}")
        assert path_text((PULL, name)) == f"{PULL}~{name}"
    assert len(_task._PULL_TAILS) <= 3
    assert len(_task._PATH_TEXTS) <= 3


def test_path_text_skips_nested_paths() -> None:
    assert path_text((PUSH, (PULL, "a"), 2)) == f"{PUSH}~2"
    assert path_text((PUSH, 5)) == f"{PUSH}~5"
