"""One agent example, twice: on langchain-core fake models and on stategraph's own with langchain blocked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).with_name("_agent_example.py")


def _run(flavour: str) -> dict:
    out = subprocess.run([sys.executable, str(EXAMPLE), flavour], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_same_agent_runs_with_and_without_langchain() -> None:
    pytest.importorskip("langchain_core")
    with_lc, without = _run("langchain"), _run("own")
    expected_history = [["human", "add 2 and 3, shout hey", []], ["ai", "", ["add", "shout"]],
                        ["tool", "5", []], ["tool", "HEY", []], ["ai", "2 + 3 = 5 and HEY", []]]
    for result in (with_lc, without):
        assert result["history"] == expected_history
        # the tools' answers arrive whole (parallel tools: in either order), then the reply token by token
        assert sorted(result["tokens"][:2]) == ["5", "HEY"]
        assert result["tokens"][2:] == ["2", " +", " 3", " =", " 5", " and", " HEY"]
    assert (with_lc["message_module"], with_lc["langchain_imported"]) == ("langchain_core", True)
    assert (without["message_module"], without["langchain_imported"]) == ("stategraph", False)
