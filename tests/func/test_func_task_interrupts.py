"""Interrupts raised inside task calls: one question is one pending interrupt."""

from __future__ import annotations

from typing import Any

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.func import entrypoint, task
from stategraph.types import Command, interrupt


def _asker() -> Any:
    @task
    def ask(q: str) -> str:
        return f"{q}={interrupt({'question': q})}"

    @entrypoint(checkpointer=InMemorySaver())
    def main(qs: list[str]) -> list[str]:
        return [ask(q).result() for q in qs]

    return main


def test_a_plain_resume_answers_the_one_question_a_task_call_asked(driver: Any) -> None:
    main = _asker()
    cfg = {"configurable": {"thread_id": "t"}}
    first = driver.run(main, ["a", "b"], cfg)
    assert [i.value for i in first["__interrupt__"]] == [{"question": "a"}]
    state = driver.get_state(main, cfg)
    assert [i.value for i in state.interrupts] == [{"question": "a"}]
    # the task's interrupt is saved for the call and for the entrypoint that awaited it: still
    # one question, so Command(resume=value) needs no interrupt id
    second = driver.run(main, Command(resume="A"), cfg)
    assert [i.value for i in second["__interrupt__"]] == [{"question": "b"}]
    assert driver.run(main, Command(resume="B"), cfg) == ["a=A", "b=B"]
    assert driver.get_state(main, cfg).interrupts == ()
