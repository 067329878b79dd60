"""restore_failure: a recorded failure of a node with an error handler is read back on resume."""

from __future__ import annotations

from types import SimpleNamespace

from stategraph.constants import ERROR, RESUME
from stategraph.pregel._events import error_record
from stategraph.pregel._handlers import restore_failure


def _task(handler: str | None) -> SimpleNamespace:
    return SimpleNamespace(node=SimpleNamespace(error_handler=handler), error=None, done=False, restored_error=False)


def test_a_recorded_failure_marks_the_task_failed_for_its_handler() -> None:
    task = _task("__error_handler__n")
    assert restore_failure(task, [(RESUME, [1]), (ERROR, error_record(ValueError("boom")))])  # type: ignore[arg-type]
    assert (type(task.error), str(task.error), task.done, task.restored_error) == (ValueError, "boom", True, True)


def test_without_a_handler_or_a_failure_nothing_changes() -> None:
    plain = _task(None)
    assert not restore_failure(plain, [(ERROR, error_record(ValueError("x")))])  # type: ignore[arg-type]
    assert plain.error is None and not plain.done
    waiting = _task("__error_handler__n")
    assert not restore_failure(waiting, [(RESUME, [1])])  # type: ignore[arg-type]
    assert waiting.error is None
