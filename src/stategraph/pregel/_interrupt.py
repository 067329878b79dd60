"""``interrupt()``: pause the running task, or return the stored answer when resumed."""

from __future__ import annotations

from typing import Any

from ..channels.base import MISSING
from ..errors import _INVALID_RESUME, GraphInterrupt
from ..types import Interrupt
from ._context import current_task
from ._ids import interrupt_id


def interrupt(value: Any, *, response_schema: Any = None) -> Any:
    task = current_task("interrupt")
    loop = task.loop
    idx = task.interrupt_index
    task.interrupt_index += 1
    resume = task.resume
    if resume is not None and idx < len(resume):
        return resume[idx]
    iid = interrupt_id(task.ns, idx)
    answer = _take_answer(task, loop, iid)
    if answer is not MISSING:
        if response_schema is not None:
            answer = _validate(response_schema, answer)
        if task.resume is None:
            task.resume = []
        task.resume.append(answer)
        return answer
    intr = Interrupt(value=value, id=iid)
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


def _validate(schema: Any, value: Any) -> Any:
    if isinstance(schema, dict):
        return value
    try:
        from pydantic import TypeAdapter
    except ImportError:  # pragma: no cover
        return value
    try:
        return TypeAdapter(schema).validate_python(value)
    except Exception as exc:  # pydantic.ValidationError: mark it for errors.is_invalid_resume
        setattr(exc, _INVALID_RESUME, True)
        raise
