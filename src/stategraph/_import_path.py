"""Import a Python file by its path, once per process (the CLI's and the server's graphs)."""

from __future__ import annotations

import importlib.util
import sys
import traceback
from pathlib import Path
from types import ModuleType

__all__ = ["import_failure", "import_path"]


def import_path(module_path: Path) -> ModuleType:
    """Import ``module_path`` (resolved), or return the module an earlier call made.

    Raises ImportError when the file cannot be loaded as a module; errors the module raises
    while running propagate, and a failed import is not cached.
    """
    name = f"stategraph_loaded_modules.m{abs(hash(str(module_path)))}"
    if name in sys.modules:  # why: two names of one file share its module (and its state)
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, module_path)
    if spec is None or spec.loader is None:
        raise ImportError(f"Cannot import {str(module_path)!r} as a Python module.")
    module = importlib.util.module_from_spec(spec)
    # why: sibling imports inside the file resolve as when it runs as a script (and as
    # `langgraph dev` resolves them)
    if str(module_path.parent) not in sys.path:
        sys.path.insert(0, str(module_path.parent))
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]  # why: a failed import must not be served from the cache later
        raise
    return module


def import_failure(module_path: Path, exc: BaseException) -> str:
    """Say what the file's own code raised while importing, and at which of its lines."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(module_path)]
    where = f" at line {frames[-1].lineno}" if frames else ""
    return (
        f"importing {str(module_path)!r} raised {type(exc).__name__}: {exc}{where}. "
        "Fix the file (run it with python to see the whole traceback)."
    )
