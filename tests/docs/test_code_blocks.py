"""Every ```python block of the documentation runs, alone, in a fresh interpreter.

A block that cannot run standalone is preceded by ``<!-- no-run: <reason> -->``; the reason
must be stated (e.g. "needs a PostgreSQL server").
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ._markdown import ROOT, code_blocks

BLOCKS = code_blocks()
RUNNABLE = [b for b in BLOCKS if b.no_run is None]


def test_the_docs_have_python_blocks() -> None:
    # guards the extraction itself: a broken parser would make every test below vanish
    assert len(RUNNABLE) >= 3, [b.id for b in BLOCKS]


@pytest.mark.parametrize("block", RUNNABLE, ids=lambda b: b.id)
def test_block_runs(block, tmp_path) -> None:
    # cwd is a scratch directory: a block that writes files (a SQLite path) leaves nothing behind;
    # PYTHONPATH made absolute, so a relative entry (PYTHONPATH=src) still means this checkout
    path = [os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    out = subprocess.run(
        [sys.executable, "-c", block.code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(path)},
    )
    assert out.returncode == 0, f"{block.id} failed:\n{block.code}\n--- stderr ---\n{out.stderr}"


def test_every_no_run_block_states_why() -> None:
    vague = [(b.id, b.no_run) for b in BLOCKS if b.no_run is not None and len(b.no_run.split()) < 2]
    assert not vague, f"<!-- no-run: ... --> needs a reason of a few words: {vague}"


def test_runtime_page_shows_the_seed_example_verbatim() -> None:
    seed = (ROOT / "examples" / "01_seed_runtime.py").read_text(encoding="utf-8")
    runtime = [b.code for b in BLOCKS if b.page == "reference/runtime.md"]
    assert seed in runtime, (
        "docs/reference/runtime.md must carry examples/01_seed_runtime.py unchanged"
    )
