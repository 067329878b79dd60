"""The ``stategraph`` command, driven as a user would: a subprocess in a scratch directory."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "01_seed_runtime.py"

HITL = """
import operator
from typing import Annotated, TypedDict
from stategraph.graph import END, START, StateGraph
from stategraph.types import interrupt

class State(TypedDict):
    log: Annotated[list[str], operator.add]

def draft(state):
    return {"log": ["drafted"]}

def review(state):
    return {"log": [f"review: {interrupt('approve?')}"]}

graph = StateGraph(State).add_node("draft", draft).add_node("review", review)
graph.add_edge(START, "draft").add_edge("draft", "review").add_edge("review", END)
"""


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "stategraph.cli", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "hitl.py").write_text(HITL)
    return tmp_path


def test_run_the_seed_example_with_a_context(workdir: Path) -> None:
    done = cli(
        workdir, "run", f"{SEED}:graph", "--input", "{}", "--context", '{"user_id": "user_123"}'
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == {
        "response": "Hello Alice! Nice to see you again."
    }
    assert "personalized_greeting -> response" in done.stderr  # progress lines off a TTY


def test_interrupt_then_resume_a_thread_and_read_its_history(workdir: Path) -> None:
    first = cli(workdir, "run", "hitl.py:graph", "--input", '{"log": []}', "--thread", "t1")
    assert first.returncode == 3, first.stderr
    assert json.loads(first.stdout) == {"interrupt": ["approve?"]}
    assert "stategraph resume hitl.py:graph --thread t1" in first.stderr
    second = cli(workdir, "resume", "hitl.py:graph", "--thread", "t1", "--value", '"yes"')
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout) == {"log": ["drafted", "review: yes"]}
    assert (workdir / ".stategraph" / "checkpoints.sqlite").exists()  # the default --db
    listed = cli(workdir, "threads", "list")
    assert listed.stdout.split("\t")[0] == "t1"
    history = [
        json.loads(line)
        for line in cli(workdir, "threads", "history", "--thread", "t1").stdout.splitlines()
    ]
    assert [row["step"] for row in history] == [2, 1, 0, -1]
    diff = [
        json.loads(line)
        for line in cli(workdir, "threads", "diff", "--thread", "t1").stdout.splitlines()
    ]
    assert diff[0]["changed"] == {"log": ["drafted", "review: yes"]} and diff[1]["changed"] == {
        "log": ["drafted"]
    }
    shown = json.loads(cli(workdir, "threads", "show", "--thread", "t1").stdout)
    assert shown["values"] == {"log": ["drafted", "review: yes"]}
    assert cli(workdir, "threads", "prune", "--thread", "t1").returncode == 0
    after = cli(workdir, "threads", "history", "--thread", "t1").stdout.splitlines()
    assert [json.loads(line)["step"] for line in after] == [2]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_draw_a_png(workdir: Path) -> None:
    done = cli(workdir, "draw", "hitl.py:graph", "--format", "png", "--output", "graph.png")
    assert done.returncode == 0, done.stderr
    image = (workdir / "graph.png").read_bytes()
    assert image[:8] == b"\x89PNG\r\n\x1a\n" and len(image) > 1000


def test_draw_mermaid_to_stdout(workdir: Path) -> None:
    done = cli(workdir, "draw", "hitl.py:graph")
    assert (
        done.returncode == 0 and done.stdout.startswith("---") and "draft --> review" in done.stdout
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "hitl.py:nope", "--input", "{}"], "hitl.py has no attribute 'nope'"),
        (["run", "missing.py:graph", "--input", "{}"], "No such file: missing.py"),
        (["run", "hitl.py", "--input", "{}"], "path.py:attribute"),
        (["run", "hitl.py:graph", "--input", "{oops"], "--input must be JSON"),
        (["threads", "show"], "needs --thread"),
        (["draw", "hitl.py:graph", "--format", "png"], "needs --output"),
    ],
)
def test_usage_mistakes_exit_2_with_a_message(workdir: Path, args: list[str], message: str) -> None:
    done = cli(workdir, *args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_threads_live_in_postgres_when_db_is_a_postgres_url(workdir: Path) -> None:
    from urllib.parse import quote

    from psycopg.conninfo import conninfo_to_dict

    from _pg_databases import fresh_schema
    from _services import postgres_dsn

    with fresh_schema(postgres_dsn()) as conninfo:
        schema = conninfo_to_dict(conninfo)["options"]  # -c search_path=...
        sep = "&" if "?" in postgres_dsn() else "?"
        url = f"{postgres_dsn()}{sep}options={quote(schema)}"
        first = cli(
            workdir, "run", "hitl.py:graph", "--input", '{"log": []}', "--thread", "p1", "--db", url
        )
        assert first.returncode == 3, first.stderr
        second = cli(
            workdir, "resume", "hitl.py:graph", "--thread", "p1", "--value", '"ok"', "--db", url
        )
        assert json.loads(second.stdout) == {"log": ["drafted", "review: ok"]}, second.stderr
        assert cli(workdir, "threads", "list", "--db", url).stdout.startswith("p1\t")
        assert not (workdir / ".stategraph").exists()  # nothing went to the SQLite default
