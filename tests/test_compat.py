"""install_as_langgraph / python -m stategraph.compat run LangGraph programs unmodified."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_compat_runs_unmodified_langgraph_program(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent("""
        import operator
        from typing import Annotated, TypedDict
        from langgraph.graph import StateGraph, START, END
        from langgraph.types import Send
        import langgraph.graph as lg
        class S(TypedDict):
            xs: Annotated[list, operator.add]
        g = (StateGraph(S).add_node("w", lambda s: {"xs": [s["v"] * 2]})
             .add_conditional_edges(START, lambda s: [Send("w", {"v": i}) for i in (1, 2, 3)], ["w"])
             .compile())
        print(sorted(g.invoke({"xs": []})["xs"]), lg.__name__)
    """))
    out = subprocess.run([sys.executable, "-m", "stategraph.compat", str(script)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[2, 4, 6] stategraph.graph"


def test_core_does_not_import_langchain():
    code = "import sys, stategraph.graph, stategraph.types, stategraph.pregel; print('langchain_core' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr
