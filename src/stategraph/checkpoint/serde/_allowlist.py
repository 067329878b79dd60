"""Which classes stored checkpoint bytes may name, and how a name becomes a class.

Stored data names classes as ``module:qualname``.  A name resolves only if the class
was registered, its module is trusted (stategraph, langchain-core messages and
documents, modules the user allowed), or the user opted into classes from modules
that are *already imported*.  Modules outside the allowlist are never imported.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable
from typing import Any

from ...errors import ErrorCode, SerializationError
from ._stdlib import type_key

__all__ = ["Allowlist", "AllowlistEntry"]

AllowlistEntry = str | tuple[str, str] | type

# Modules whose data classes are trusted by default (our own types, LangChain messages).
_TRUSTED_MODULES = ("stategraph", "langchain_core.messages", "langchain_core.documents")


def _is_within(module: str, prefixes: Iterable[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


class Allowlist:
    """An immutable set of allowed classes and modules with a resolution cache."""

    def __init__(
        self, entries: Iterable[AllowlistEntry] = (), *, allow_all_already_imported: bool = False
    ) -> None:
        self.classes: dict[str, type] = {}
        self.modules: tuple[str, ...] = _TRUSTED_MODULES
        self.names: frozenset[str] = frozenset()
        self.allow_all_already_imported = allow_all_already_imported
        self._cache: dict[str, type] = {}
        self._add(entries)

    def _add(self, entries: Iterable[AllowlistEntry]) -> None:
        modules, names = list(self.modules), set(self.names)
        for entry in entries:
            if isinstance(entry, type):
                self.classes[type_key(entry)] = entry
            elif isinstance(entry, str):
                modules.append(entry)
            elif isinstance(entry, tuple) and len(entry) == 2:
                names.add(f"{entry[0]}:{entry[1]}")
            else:
                raise TypeError(
                    f"Allowlist entries must be classes, module names or (module, class name) "
                    f"tuples, got {entry!r}."
                )
        self.modules, self.names = tuple(dict.fromkeys(modules)), frozenset(names)

    def extended(self, entries: Iterable[AllowlistEntry]) -> Allowlist:
        """Return a new allowlist with ``entries`` added."""
        clone = Allowlist(allow_all_already_imported=self.allow_all_already_imported)
        clone.classes = dict(self.classes)
        clone.modules, clone.names = self.modules, self.names
        clone._add(entries)
        return clone

    def register(self, cls: type) -> None:
        """Allow ``cls`` (mutates this allowlist)."""
        self.classes[type_key(cls)] = cls
        self._cache.pop(type_key(cls), None)

    def resolve(self, key: str) -> type:
        """Return the class named by ``key`` or raise ``SerializationError`` (E303)."""
        cls = self.classes.get(key) or self._cache.get(key)
        if cls is None:
            cls = self._lookup(key)
            self._cache[key] = cls
        return cls

    def _lookup(self, key: str) -> type:
        module_name, _, qualname = key.partition(":")
        module: Any = None
        if key in self.names or _is_within(module_name, self.modules):
            module = sys.modules.get(module_name) or _import(module_name, key)
        elif self.allow_all_already_imported:
            module = sys.modules.get(module_name)
        obj = module
        for part in qualname.split(".") if module is not None else ():
            obj = getattr(obj, part, None)
        if module is None or not isinstance(obj, type) or "<locals>" in qualname:
            raise _not_allowed(module_name, qualname)
        return obj


def _import(module_name: str, key: str) -> Any:
    try:
        return importlib.import_module(module_name)
    except ImportError as exc:
        raise SerializationError(
            f"Checkpoint data names the class {key.replace(':', '.')!s}, but its module "
            f"{module_name!r} cannot be imported ({exc}). Install or restore that module.",
            code=ErrorCode.CHECKPOINT_UNKNOWN_TYPE,
            type_name=key,
        ) from exc


def _not_allowed(module_name: str, qualname: str) -> SerializationError:
    return SerializationError(
        f"Checkpoint data names the class {module_name}.{qualname}, which is not on the "
        "serializer's allowlist, so it was not loaded. If you trust it, call "
        f"saver.serde.register({qualname.split('.')[-1]}) before reading, or build the saver's "
        f"serializer with JsonPlusSerializer(allowed_modules=[{module_name!r}]).",
        code=ErrorCode.CHECKPOINT_UNKNOWN_TYPE,
        type_name=f"{module_name}.{qualname}",
    )
