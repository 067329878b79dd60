"""runtime.step journals a call: after an interrupt and a process restart it is not made again."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.graph import END, START, StateGraph
from stategraph.runtime import Runtime
from stategraph.types import Command, interrupt

PROGRAM = textwrap.dedent('''
    import sqlite3, sys
    from typing import TypedDict
    from stategraph.checkpoint.sqlite import SqliteSaver
    from stategraph.graph import StateGraph, START, END
    from stategraph.runtime import Runtime
    from stategraph.types import Command, interrupt

    class S(TypedDict):
        out: str

    def llm(tag, prompt):
        with open(sys.argv[3], "a") as f:
            f.write(tag + "\\n")
        return f"{tag}({prompt})"

    def node(state: S, runtime: Runtime) -> dict:
        a = runtime.step("draft", llm, "draft", "topic")
        verdict = interrupt({"draft": a})
        b = runtime.step("final", llm, "final", verdict)
        return {"out": a + "|" + b}

    saver = SqliteSaver(sqlite3.connect(sys.argv[1], check_same_thread=False))
    g = StateGraph(S).add_node("node", node).add_edge(START, "node").add_edge("node", END).compile(checkpointer=saver)
    cfg = {"configurable": {"thread_id": "j"}}
    out = g.invoke({"out": ""}, cfg) if sys.argv[2] == "start" else g.invoke(Command(resume="approved"), cfg)
    print(out.get("out"))
''')


def test_journaled_call_is_not_repeated_after_interrupt_and_restart(tmp_path: Path) -> None:
    script = tmp_path / "prog.py"
    script.write_text(PROGRAM)
    db, calls = tmp_path / "j.sqlite", tmp_path / "calls.txt"
    first = subprocess.run([sys.executable, str(script), str(db), "start", str(calls)], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    second = subprocess.run([sys.executable, str(script), str(db), "resume", str(calls)], capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "draft(topic)|final(approved)"
    assert calls.read_text().split() == ["draft", "final"]  # the draft call was made once


def test_journal_under_both_drivers(driver: Any) -> None:
    made: list[str] = []

    def node(state: dict, runtime: Runtime) -> dict:
        a = runtime.step("one", lambda: made.append("one") or "A")
        b = interrupt("go?")
        return {"out": a + b}

    from typing import TypedDict

    class S(TypedDict):
        out: str

    g = StateGraph(S).add_node("node", node).add_edge(START, "node").add_edge("node", END).compile(checkpointer=InMemorySaver())
    cfg = {"configurable": {"thread_id": "t"}}
    driver.run(g, {"out": ""}, cfg)
    assert driver.run(g, Command(resume="B"), cfg) == {"out": "AB"}
    assert made == ["one"]
