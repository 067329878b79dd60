"""``interrupt()``: pause the running task, or return the stored answer when resumed."""

from __future__ import annotations

from typing import Any

from ..channels.base import MISSING
from ..errors import GraphInterrupt, mark_invalid_resume
from ..types import Interrupt
from ._context import current_task
from ._ids import interrupt_id


def interrupt(value: Any, *, response_schema: Any = None) -> Any:
    task = current_task("interrupt")
    loop = task.loop
    idx = task.interrupt_index
    task.interrupt_index += 1
    adapter = _adapter(response_schema)
    resume = task.resume
    if resume is not None and idx < len(resume):
        return _validate(adapter, resume[idx])
    iid = interrupt_id(task.ns, idx)
    answer = _take_answer(task, loop, iid)
    if answer is not MISSING:
        checked = _validate(adapter, answer)
        if task.resume is None:
            task.resume = []
        task.resume.append(answer)
        return checked
    schema = adapter.json_schema() if adapter is not None else response_schema
    intr = Interrupt(value=value, id=iid, response_schema=schema)
    raise GraphInterrupt((intr,))


def _take_answer(task: Any, loop: Any, iid: str) -> Any:
    # a resume map answers by id; a plain resume value is consumed once, by the first asker
    cur = loop
    while cur is not None:
        if cur.resume_map is not None and iid in cur.resume_map:
            return cur.resume_map[iid]
        if cur.null_resume is not MISSING:
            value, cur.null_resume = cur.null_resume, MISSING
            return value
        parent = cur.parent_task
        cur = parent.loop if parent is not None else None
    return MISSING


def _adapter(schema: Any) -> Any:
    """A pydantic TypeAdapter for a type given as ``response_schema`` (a dict is documentation only)."""
    if schema is None or isinstance(schema, dict):
        return None
    from pydantic import TypeAdapter

    return TypeAdapter(schema)


def _validate(adapter: Any, value: Any) -> Any:
    if adapter is None:
        return value
    try:
        return adapter.validate_python(value)
    except Exception as exc:  # pydantic.ValidationError: keep its type, mark it as a bad resume
        mark_invalid_resume(exc)
        raise
