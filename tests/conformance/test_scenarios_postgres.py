"""The shared persistence scenarios again, with every saver replaced by a PostgresSaver.

Scenarios of the areas checkpointer, interrupts and durability (line 1, ``# area:``)
are copied to a temp dir, rewritten ``langgraph`` -> ``stategraph`` by the shared
runner's own function, and their ``InMemorySaver()`` (and ``SqliteSaver
.from_conn_string(path)``) calls replaced by the savers of an injected module,
``_pg_saver``, on a database made for the scenario.  The output is compared with the
LangGraph recording exactly as ``run_scenarios.py`` compares it.  The scenarios stay in
../shared/conformance; without them the test is skipped with the reason.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import psycopg
import pytest

from _pg_databases import fresh_database
from _services import postgres_dsn

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "conformance"
AREAS = {"checkpointer", "interrupts", "durability"}
DSN_VARIABLE = "STATEGRAPH_SCENARIO_POSTGRES_DSN"

# Stands in for the scenario's savers; each InMemorySaver() gets a schema of its own.
PG_SAVER = '''
"""Savers for a rewritten scenario: PostgresSaver on a throwaway database."""
import atexit, contextlib, hashlib, itertools, os
import psycopg
from psycopg.conninfo import make_conninfo
from stategraph.checkpoint.postgres import PostgresSaver

_DSN = os.environ["STATEGRAPH_SCENARIO_POSTGRES_DSN"]
_numbers = itertools.count(1)

def _schema(name):
    with psycopg.connect(_DSN, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA IF NOT EXISTS "{name}"')
    return make_conninfo(_DSN, options=f"-c search_path={name}")

def fresh_saver():
    """Instead of InMemorySaver(): an empty saver of its own."""
    saver = PostgresSaver(_schema(f"saver_{next(_numbers)}"))
    atexit.register(saver.close)
    return saver

@contextlib.contextmanager
def saver_for_path(path):
    """Instead of SqliteSaver.from_conn_string(path): one path, one schema, reopened."""
    name = "file_" + hashlib.sha256(path.encode()).hexdigest()[:16]
    with PostgresSaver.from_conn_string(_schema(name)) as saver:
        yield saver
'''
SUBSTITUTIONS = (
    (re.compile(r"\bInMemorySaver\(\)"), "_pg_saver.fresh_saver()"),
    (re.compile(r"\bSqliteSaver\.from_conn_string\("), "_pg_saver.saver_for_path("),
)


def _runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_scenarios", SHARED / "run_scenarios.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _areas(path: Path) -> set[str]:
    first = path.read_text().splitlines()[0]
    return {a.strip() for a in first.removeprefix("# area:").split(",")}


def _scenarios() -> list[str]:
    if not (SHARED / "scenarios").is_dir():
        return []
    found = sorted((SHARED / "scenarios").glob("[0-9][0-9][0-9]_*.py"))
    return [p.stem for p in found if _areas(p) & AREAS]


def rewrite(source: str, runner: ModuleType) -> tuple[str, int]:
    """Rewrite a scenario for stategraph on Postgres; return it and the savers replaced."""
    source = runner.rewrite_source(source, "stategraph")
    replaced = 0
    for pattern, replacement in SUBSTITUTIONS:
        source, count = pattern.subn(replacement, source)
        replaced += count
    lines = source.splitlines(keepends=True)
    at = 1 + max((i for i, line in enumerate(lines) if "from __future__" in line), default=0)
    return "".join([*lines[:at], "import _pg_saver\n", *lines[at:]]), replaced


def _stored_checkpoints(dsn: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        schemas = conn.execute(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = 'checkpoints'"
        ).fetchall()
        return sum(
            conn.execute(f'SELECT COUNT(*) FROM "{schema}".checkpoints').fetchone()[0]  # type: ignore[index]
            for (schema,) in schemas
        )


@pytest.mark.skipif(
    not (SHARED / "scenarios").is_dir(),
    reason=f"shared conformance scenarios not found at {SHARED}",
)
@pytest.mark.parametrize("name", _scenarios() or ["<none>"])
def test_scenario_with_postgres_saver(name: str, tmp_path: Path) -> None:
    runner = _runner()
    scenarios = SHARED / "scenarios"
    source, replaced = rewrite((scenarios / f"{name}.py").read_text(), runner)
    assert replaced, f"{name} names no saver this test can replace; extend SUBSTITUTIONS"
    for helper in scenarios.glob("_*.py"):
        shutil.copy(helper, tmp_path / helper.name)
    (tmp_path / "_pg_saver.py").write_text(PG_SAVER)
    (tmp_path / f"{name}.py").write_text(source)
    with fresh_database(postgres_dsn()) as dsn:
        env = {**os.environ, DSN_VARIABLE: dsn, "PYTHONHASHSEED": "0"}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        proc = subprocess.run(
            [sys.executable, f"{name}.py"],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert _stored_checkpoints(dsn) > 0, "the scenario stored nothing in PostgreSQL"
    got = json.loads(proc.stdout)
    want = json.loads((SHARED / "expected" / f"{name}.json").read_text())
    if runner.is_mermaid_scenario(source):
        got, want = runner.mermaid_view(got), runner.mermaid_view(want)
    assert runner.first_diff(got, want) is None, runner.first_diff(got, want)
