"""Run the shared differential scenarios (recorded from LangGraph 1.2.22) against stategraph.

They live outside this repository (../shared/conformance); on a fresh clone without them the
test is skipped with the reason.  Scenarios of areas not built yet are listed in PENDING and
must fail (strict xfail), so a newly passing area is noticed and moved out.
"""

from __future__ import annotations

import fnmatch
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "conformance"

# areas of later issues (functional API, messages/prebuilt); each entry names its issue.
PENDING = {
}


def _scenarios() -> list[str]:
    if not (SHARED / "run_scenarios.py").exists():
        return []
    return sorted(p.stem for p in (SHARED / "scenarios").glob("[0-9][0-9][0-9]_*.py"))


@pytest.mark.skipif(not (SHARED / "run_scenarios.py").exists(), reason=f"shared conformance scenarios not found at {SHARED}")
@pytest.mark.parametrize("name", _scenarios() or ["<none>"])
def test_scenario(name: str) -> None:
    reason = next((why for pat, why in PENDING.items() if fnmatch.fnmatch(name, pat)), None)
    proc = subprocess.run(
        [sys.executable, "run_scenarios.py", "--python", sys.executable, "--pkg", "stategraph",
         "--scenarios", "scenarios", "--expected", "expected", "--only", name],
        cwd=SHARED, capture_output=True, text=True, timeout=300,
    )
    passed = proc.returncode == 0 and f"PASS {name}" in proc.stdout
    if reason is not None:
        if passed:
            pytest.fail(f"{name} passes now: remove it from PENDING ({reason})")
        pytest.xfail(f"not built yet: {reason}")
    assert passed, proc.stdout[-2000:] + proc.stderr[-2000:]
