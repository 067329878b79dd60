"""Run unmodified LangGraph programs on stategraph.

``install_as_langgraph()`` makes ``import langgraph...`` resolve to ``stategraph...`` (opt-in,
after PyMySQL's ``install_as_MySQLdb``).  ``python -m stategraph.compat script.py [args]`` runs a
script with the alias installed.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import runpy
import sys
from types import ModuleType
from typing import Any

__all__ = ["install_as_langgraph", "main"]


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(self.target)
        sys.modules[spec.name] = module
        return module

    def exec_module(self, module: ModuleType) -> None:
        return None


class _AliasFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Any = None, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "langgraph" and not fullname.startswith("langgraph."):
            return None
        mapped = "stategraph" + fullname[len("langgraph") :]
        if importlib.util.find_spec(mapped) is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(mapped), is_package=True)


def install_as_langgraph() -> None:
    """Make ``langgraph`` an alias of ``stategraph`` for the rest of this process.

    Call it before the first ``import langgraph...``; every ``langgraph`` module that
    stategraph provides then resolves to its ``stategraph`` counterpart.

    Examples:
        The alias lasts for the whole process, so this example runs a program in a child one:

        >>> import subprocess, sys
        >>> program = '''
        ... from stategraph import install_as_langgraph
        ... install_as_langgraph()
        ... from langgraph.graph import START, StateGraph
        ... builder = StateGraph(dict).add_node("a", lambda s: {"n": s["n"] + 1})
        ... graph = builder.add_edge(START, "a").compile()
        ... print(graph.invoke({"n": 1}), StateGraph.__module__)
        ... '''
        >>> print(subprocess.run([sys.executable, "-c", program], capture_output=True, text=True).stdout)
        {'n': 2} stategraph.graph.state
    """
    if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _AliasFinder())


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print("usage: python -m stategraph.compat SCRIPT [ARGS...]", file=sys.stderr)
        return 2
    install_as_langgraph()
    sys.argv = args
    runpy.run_path(args[0], run_name="__main__")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
