"""Crash injection against SqliteSaver: SIGKILL at random points, resume, compare (see _crash_worker)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

WORKER = Path(__file__).with_name("_crash_worker.py")
KILLS = int(os.environ.get("STATEGRAPH_CRASH_KILLS", "200"))


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_sigkill_then_resume_matches_uninterrupted_run(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(WORKER), str(KILLS), "1234", str(tmp_path)],
                          capture_output=True, text=True, timeout=1800)
    assert proc.stdout.strip(), proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["kills"] == KILLS
    # the harness must actually interrupt runs part-way, including mid-step with committed writes
    assert report["killed_mid_run"] >= KILLS // 4, report
    assert report["resumed_with_committed_tasks"] >= 1, report
    assert report["failures"] == [], "\n".join(report["failures"][:20]) + proc.stderr[-2000:]
