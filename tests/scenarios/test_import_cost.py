"""``import stategraph.graph`` loads only the builder: the engine and heavy stdlib load on use.

Not a timing test (timings are noisy): it checks *which* modules a cold import pulls in, then
that building, compiling and invoking a graph still works once the lazy imports resolve.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

# Loaded by compile()/invoke() or by add_node(), never by the import itself.
NOT_AT_IMPORT = [
    "asyncio",
    "concurrent.futures",
    "threading",
    "queue",
    "sqlite3",
    "json",
    "uuid",
    "inspect",
    "dataclasses",
    "stategraph.types",
    "stategraph.pregel.main",
    "stategraph.pregel._loop",
    "stategraph.checkpoint",
    "stategraph.graph.message",
]

PROGRAM = textwrap.dedent("""
    import sys
    before = set(sys.modules)
    import stategraph.graph
    print(" ".join(sorted(set(sys.modules) - before)))

    import operator
    from typing import Annotated, TypedDict
    from stategraph.graph import END, START, CompiledStateGraph, MessagesState, StateGraph
    from stategraph.graph.state import CompiledStateGraph as FromState
    from stategraph.pregel import Pregel
    from stategraph.types import Command

    class S(TypedDict):
        x: int
        log: Annotated[list, operator.add]

    def step(s: S) -> dict:
        return {"x": s["x"] + 1, "log": [s["x"]]}

    def jump(s: S) -> Command:
        return Command(goto="step")

    app = (StateGraph(S).add_node("jump", jump).add_node("step", step).add_edge(START, "jump")
           .add_conditional_edges("step", lambda s: END if s["x"] >= 3 else "step").compile())
    assert isinstance(app, CompiledStateGraph) and isinstance(app, Pregel) and FromState is CompiledStateGraph
    assert "messages" in MessagesState.__annotations__
    print(app.invoke({"x": 0, "log": []}))
""")


def test_cold_import_of_graph_skips_the_engine_and_heavy_stdlib() -> None:
    out = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    loaded_line, result_line = out.stdout.strip().splitlines()
    loaded = set(loaded_line.split())
    assert "stategraph.graph.state" in loaded  # the import really happened in this process
    assert sorted(name for name in NOT_AT_IMPORT if name in loaded) == []
    assert result_line == "{'x': 3, 'log': [0, 1, 2]}"


def test_lazy_names_are_listed_and_star_importable() -> None:
    code = (
        "import stategraph.graph as g; print(sorted(set(g.__all__) - set(dir(g))));"
        "from stategraph.graph import *; print(CompiledStateGraph.__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["[]", "CompiledStateGraph"]
