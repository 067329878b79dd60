"""Lazy re-exports for modules and package ``__init__`` files (PEP 562 module ``__getattr__``).

A module maps each lazily exported name to the module that defines it; that module is imported
on first access and the value cached.  This keeps ``import stategraph.graph`` from loading the
engine (``stategraph.pregel``) until a graph is compiled.  Declare the same names under
``if TYPE_CHECKING:`` beside the call so type checkers still see them.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable


def lazy_exports(module: str, exports: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``(__getattr__, __dir__)`` for ``module`` that import ``exports[name]`` on demand.

    ``exports`` maps a name to the module defining it, relative to ``module``'s package
    (``".main"`` from ``stategraph/pregel/__init__.py`` is ``stategraph.pregel.main``).
    """

    def __getattr__(name: str) -> Any:
        source = exports.get(name)
        if source is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        from importlib import import_module

        this = sys.modules[module]
        value = getattr(import_module(source, this.__package__), name)
        setattr(this, name, value)  # later lookups skip __getattr__
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[module])) | set(exports))

    return __getattr__, __dir__
