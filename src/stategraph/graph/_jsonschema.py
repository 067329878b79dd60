"""JSON Schema of a graph's state/input/output/context schema, written from its type hints.

Works without pydantic and on every Python we support: ``typing.TypedDict`` on 3.11 (which
pydantic refuses), ``typing_extensions.TypedDict``, dataclasses and annotated classes are read
from their hints; pydantic models answer with their own ``model_json_schema``. Reducers and
other ``Annotated`` metadata are dropped, managed values (not inputs) are left out, and nested
named types go to ``$defs`` (a type that refers to the root refers to ``#``).
"""

from __future__ import annotations

import datetime
import enum
import types
import typing
import uuid
from collections import abc
from typing import Annotated, Any, Literal, get_args, get_origin

import typing_extensions

from ..managed import is_managed_value

__all__ = ["hinted_schema", "schema_json"]

_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    type(None): {"type": "null"},
    bytes: {"type": "string", "format": "binary"},
    datetime.datetime: {"type": "string", "format": "date-time"},
    datetime.date: {"type": "string", "format": "date"},
    datetime.time: {"type": "string", "format": "time"},
    uuid.UUID: {"type": "string", "format": "uuid"},
}
_WRAPPERS = {
    typing.Required,
    typing.NotRequired,
    typing_extensions.Required,
    typing_extensions.NotRequired,
    typing_extensions.ReadOnly,
    typing.ClassVar,
    typing.Final,
}
_ARRAYS = {list, set, frozenset, tuple, abc.Sequence, abc.MutableSequence, abc.Set, abc.MutableSet}
_SETS = {set, frozenset, abc.Set, abc.MutableSet}
_MAPS = {dict, abc.Mapping, abc.MutableMapping}
_JSON_NAMES = {str: "string", int: "integer", float: "number", bool: "boolean"}


def schema_json(schema: Any) -> dict[str, Any]:
    """Return the JSON Schema of ``schema`` (``{}``, i.e. anything, when it is None or Any).

    Pydantic's schema when pydantic can make one (the very schema LangGraph gives, titles and
    managed values included); else (no pydantic, or a ``typing.TypedDict`` on Python 3.11,
    where LangGraph fails) one written from the type hints.
    """
    if schema is None or schema is Any:
        return {}
    if _is_pydantic_model(schema):
        return schema.model_json_schema()
    exact = _pydantic_schema(schema)
    return exact if exact is not None else hinted_schema(schema)


def _pydantic_schema(schema: Any) -> dict[str, Any] | None:
    try:
        from pydantic import TypeAdapter
    except ImportError:
        return None
    try:
        return TypeAdapter(schema).json_schema()
    except Exception:  # why: pydantic refuses some types (typing.TypedDict before 3.12)
        return None


def hinted_schema(schema: Any) -> dict[str, Any]:
    """The JSON Schema written from ``schema``'s type hints alone (no pydantic)."""
    builder = _Builder(schema)
    if _has_fields(schema):
        root = builder.object_schema(schema)
    else:
        root = builder.type_schema(schema)
    if builder.defs:
        root["$defs"] = dict(sorted(builder.defs.items()))
    return root


def _is_pydantic_model(tp: Any) -> bool:
    return isinstance(tp, type) and hasattr(tp, "model_json_schema")


def _is_typeddict(tp: Any) -> bool:
    return typing.is_typeddict(tp) or typing_extensions.is_typeddict(tp)


def _is_dataclass(tp: Any) -> bool:
    return isinstance(tp, type) and "__dataclass_fields__" in vars(tp)


def _has_fields(tp: Any) -> bool:
    """True for a record-like class: TypedDict, dataclass or a plain class with annotations."""
    if not isinstance(tp, type) or tp in _SCALARS or issubclass(tp, enum.Enum):
        return False
    if _is_typeddict(tp) or _is_dataclass(tp):
        return True
    return tp.__module__ != "builtins" and bool(getattr(tp, "__annotations__", None))


def _strip_wrappers(tp: Any) -> Any:
    while get_origin(tp) in _WRAPPERS:
        tp = get_args(tp)[0]
    return tp


class _Builder:
    """Builds one schema document; ``defs`` collects the named types it refers to."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.defs: dict[str, dict[str, Any]] = {}
        self._names: dict[Any, str] = {}  # named type -> its key in defs

    def object_schema(self, cls: type) -> dict[str, Any]:
        """Schema of a TypedDict, dataclass or annotated class: properties and required keys."""
        hints = _hints(cls)
        properties: dict[str, Any] = {}
        for key, annotation in hints.items():
            if key.startswith("_") or _is_managed(annotation):
                continue
            prop = self.type_schema(annotation)
            default = _default_of(cls, key)
            if default is not _NO_DEFAULT:
                prop["default"] = default
            properties[key] = prop
        out: dict[str, Any] = {"title": cls.__name__, "type": "object", "properties": properties}
        required = [k for k in properties if _is_required(cls, k, hints[k])]
        if required:
            out["required"] = required
        return out

    def type_schema(self, tp: Any) -> dict[str, Any]:
        """Schema of one annotation."""
        tp = _strip_wrappers(tp)
        origin, args = get_origin(tp), get_args(tp)
        if origin is Annotated:
            return self.type_schema(args[0])
        if tp is Any or tp is object or isinstance(tp, typing.TypeVar):
            return {}
        if tp in _SCALARS:
            return dict(_SCALARS[tp])
        if origin is Literal or origin is typing_extensions.Literal:
            return _literal_schema(args)
        if origin in (typing.Union, types.UnionType):
            return self._union_schema(args)
        if origin in _ARRAYS or tp in _ARRAYS:
            return self._array_schema(origin or tp, args)
        if origin in _MAPS or tp in _MAPS:
            value = self.type_schema(args[1]) if len(args) == 2 else {}
            return {"type": "object", "additionalProperties": value}
        if isinstance(tp, str | typing.ForwardRef):
            return {}  # why: an unresolved forward reference says nothing we could check
        if isinstance(tp, type):
            return self._named_schema(tp)
        return {}

    def _union_schema(self, args: tuple[Any, ...]) -> dict[str, Any]:
        return {"anyOf": [self.type_schema(arg) for arg in args]}

    def _array_schema(self, origin: Any, args: tuple[Any, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array"}
        if origin is tuple and args and args[-1] is not Ellipsis:
            if args != ((),):  # tuple[()] is the empty tuple
                out["prefixItems"] = [self.type_schema(arg) for arg in args]
            out["minItems"] = out["maxItems"] = 0 if args == ((),) else len(args)
            return out
        if args:
            out["items"] = self.type_schema(args[0])
        if origin in _SETS:
            out["uniqueItems"] = True
        return out

    def _named_schema(self, cls: type) -> dict[str, Any]:
        if cls is self.root:
            return {"$ref": "#"}
        if cls in self._names:
            return {"$ref": f"#/$defs/{self._names[cls]}"}
        if issubclass(cls, enum.Enum):
            return self._define(cls, lambda: _enum_schema(cls))
        if _is_pydantic_model(cls):
            return self._define(cls, lambda: self._pydantic_schema(cls))
        if _has_fields(cls):
            return self._define(cls, lambda: self.object_schema(cls))
        return {}  # an opaque class: JSON cannot say more about it

    def _define(self, cls: type, build: Any) -> dict[str, Any]:
        name = cls.__name__
        if name in self.defs or name in self._names.values():
            name = f"{cls.__module__}__{cls.__qualname__}".replace(".", "_")
        self._names[cls] = name
        self.defs[name] = {}  # placeholder: a self-referencing type finds its name
        self.defs[name] = build()
        return {"$ref": f"#/$defs/{name}"}

    def _pydantic_schema(self, cls: Any) -> dict[str, Any]:
        schema = cls.model_json_schema(ref_template="#/$defs/{model}")
        for name, sub in schema.pop("$defs", {}).items():
            self.defs.setdefault(name, sub)
        return schema


_NO_DEFAULT = object()


def _hints(cls: type) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls, include_extras=True)
    except (NameError, TypeError):
        # why: a forward reference we cannot resolve becomes an unconstrained property
        return dict(getattr(cls, "__annotations__", {}))


def _is_managed(annotation: Any) -> bool:
    annotation = _strip_wrappers(annotation)
    if get_origin(annotation) is Annotated:
        meta = get_args(annotation)[1:]
        return bool(meta) and is_managed_value(meta[-1])
    return False


def _default_of(cls: type, key: str) -> Any:
    if _is_typeddict(cls):
        return _NO_DEFAULT
    if _is_dataclass(cls):
        field = cls.__dataclass_fields__[key]  # type: ignore[attr-defined]
        value = field.default
    else:
        value = vars(cls).get(key, _NO_DEFAULT)
    json_ok = value is None or isinstance(value, str | int | float | bool)
    return value if json_ok else _NO_DEFAULT


def _is_required(cls: type, key: str, annotation: Any) -> bool:
    if _is_typeddict(cls):
        # why: with string annotations (PEP 563) Python 3.11 files every key under the class's
        # totality, so an explicit Required/NotRequired in the hint decides first
        marker = get_origin(annotation)
        if marker in (typing.NotRequired, typing_extensions.NotRequired):
            return False
        if marker in (typing.Required, typing_extensions.Required):
            return True
        return key in getattr(cls, "__required_keys__", ())
    if _is_dataclass(cls):
        import dataclasses

        field = cls.__dataclass_fields__[key]  # type: ignore[attr-defined]
        no_default = field.default is dataclasses.MISSING
        return no_default and field.default_factory is dataclasses.MISSING
    return key not in vars(cls)


def _literal_schema(values: tuple[Any, ...]) -> dict[str, Any]:
    values = tuple(v.value if isinstance(v, enum.Enum) else v for v in values)
    kinds = {_JSON_NAMES.get(type(v)) for v in values}
    out: dict[str, Any] = {"const": values[0]} if len(values) == 1 else {"enum": list(values)}
    if len(kinds) == 1 and None not in kinds:
        out["type"] = kinds.pop()
    return out


def _enum_schema(cls: type[enum.Enum]) -> dict[str, Any]:
    out = {"title": cls.__name__, **_literal_schema(tuple(m.value for m in cls))}
    if "const" in out:
        out["enum"] = [out.pop("const")]
    return out
