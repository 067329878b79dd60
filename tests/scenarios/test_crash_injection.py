"""Crash injection against SqliteSaver and PostgresSaver: SIGKILL at random points, resume,
compare (see _crash_worker).  Postgres gets fewer kills (STATEGRAPH_CRASH_KILLS_PG) to bound
the time; it runs on a database made for the test and skips (or fails under
STATEGRAPH_REQUIRE_SERVICES=1) without a server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest

from _pg_databases import fresh_database
from _services import postgres_dsn

WORKER = Path(__file__).with_name("_crash_worker.py")
KILLS = {
    "sqlite": int(os.environ.get("STATEGRAPH_CRASH_KILLS", "200")),
    "postgres": int(os.environ.get("STATEGRAPH_CRASH_KILLS_PG", "50")),
}


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_sigkill_then_resume_matches_uninterrupted_run(tmp_path: Path, backend: str) -> None:
    kills = KILLS[backend]
    with ExitStack() as stack:
        options = []
        if backend == "postgres":
            options = ["--postgres", stack.enter_context(fresh_database(postgres_dsn()))]
        proc = subprocess.run([sys.executable, str(WORKER), str(kills), "1234", str(tmp_path), *options],
                              capture_output=True, text=True, timeout=1800)
    assert proc.stdout.strip(), proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["kills"] == kills
    # the harness must actually interrupt runs part-way, including mid-step with committed writes
    assert report["killed_mid_run"] >= kills // 4, report
    assert report["resumed_with_committed_tasks"] >= 1, report
    assert report["failures"] == [], "\n".join(report["failures"][:20]) + proc.stderr[-2000:]
