"""Which public names the API reference renders, read from its ``:::`` directives alone.

mkdocstrings (griffe) reads the sources statically: a module directive renders the names of the
module's ``__all__`` that the source binds (imports, assignments, defs, also under
``if TYPE_CHECKING:``), but not names a module ``__getattr__`` provides lazily. Those need a
directive of their own, pointing at the defining module.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
from pathlib import Path
from types import ModuleType
from typing import Any

from test_public_api import SNAPSHOT  # tests/ is on sys.path (rootdir of this package)

from ._markdown import Directive

# public modules the reference layout covers beyond the snapshot: the prebuilt agents
PREBUILT = [
    "stategraph.prebuilt",
    "stategraph.prebuilt.chat_agent_executor",
    "stategraph.prebuilt.tool_node",
    "stategraph.prebuilt.supervisor",
    "stategraph.prebuilt.swarm",
    "stategraph.prebuilt.handoff",
    "stategraph.prebuilt.interrupt",
    "stategraph.prebuilt.validation",
    "stategraph.prebuilt.tool_validator",
]


def public_names() -> list[tuple[str, str]]:
    """Every (module, name) the package exports: the snapshot plus the prebuilt modules."""
    pairs = [(module, name) for module, names in SNAPSHOT.items() for name in names]
    for module in PREBUILT:
        pairs += [(module, name) for name in importlib.import_module(module).__all__]
    return sorted(set(pairs))


def _bound(body: list[ast.stmt]) -> set[str]:
    names: set[str] = set()
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.If | ast.Try):
            names |= _bound(node.body + node.orelse + getattr(node, "finalbody", []))
    return names


def static_names(module: str) -> set[str]:
    """The names ``module``'s source binds at top level (what a static reader sees)."""
    origin = importlib.util.find_spec(module).origin
    return _bound(ast.parse(Path(origin).read_text(encoding="utf-8")).body)


def _resolve(path: str) -> Any:
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(path)


def _identifiable(obj: Any) -> bool:
    # classes and functions are one object wherever re-exported; a str constant is not
    return inspect.isclass(obj) or inspect.isroutine(obj)


def rendered(directives: list[Directive]) -> dict[str, Any]:
    """Map each rendered path (an anchor id of the site) to its object."""
    shown: dict[str, Any] = {}
    for d in directives:
        obj = _resolve(d.path)
        if not isinstance(obj, ModuleType):
            shown[d.path] = obj
            continue
        exported = set(getattr(obj, "__all__", ())) & static_names(d.path)
        for name in exported if d.members is None else exported & d.members:
            shown[f"{d.path}.{name}"] = getattr(obj, name)
    return shown


def anchors_for(module: str, name: str, shown: dict[str, Any]) -> set[str]:
    """The rendered paths that document ``module.name`` (empty: the reference misses it)."""
    obj = getattr(importlib.import_module(module), name)
    paths = {f"{module}.{name}"} & set(shown)
    if _identifiable(obj):
        paths |= {path for path, other in shown.items() if other is obj}
    return paths
