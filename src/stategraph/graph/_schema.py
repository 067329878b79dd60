"""State schemas (TypedDict, dataclass, pydantic, annotated class) -> channels and managed values."""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Annotated, Any, get_args, get_origin, get_type_hints

from ..channels.base import BaseChannel
from ..channels.last_value import LastValue
from ..constants import ROOT
from ..errors import ErrorCode, coded
from ..managed import is_managed_value

# why: ``inspect`` and ``dataclasses`` (~5 ms to import) are imported inside the functions that
# use them, so ``import stategraph.graph`` stays cheap; they load on the first ``add_node``.

_STRIP = {typing.Required, typing.NotRequired, getattr(typing, "ReadOnly", None)} - {None}


def schema_hints(schema: Any) -> dict[str, Any] | None:
    """Type hints of ``schema`` with extras, or None when it declares no fields."""
    if schema is None or schema is Any:
        return None
    if get_origin(schema) is Annotated:
        return None
    try:
        hints = get_type_hints(schema, include_extras=True)
    except NameError as exc:
        raise coded(
            ValueError,
            f"Cannot resolve the annotations of schema {getattr(schema, '__name__', schema)!r}: {exc}. "
            "Define or import every name used in its field annotations (including reducers).",
            ErrorCode.BUILD_BAD_SCHEMA,
        ) from exc
    except TypeError:
        hints = dict(getattr(schema, "__annotations__", {}) or {})
    fields = getattr(schema, "model_fields", None)
    if fields is not None:
        hints = {k: v for k, v in hints.items() if k in fields}
    return {k: v for k, v in hints.items() if not k.startswith("__")} or None


def _strip(annotation: Any) -> Any:
    while get_origin(annotation) in _STRIP:
        annotation = get_args(annotation)[0]
    return annotation


def _reducer_arity_ok(fn: Callable[..., Any]) -> bool:
    """A reducer must accept exactly two positional arguments (defaults allowed)."""
    import inspect

    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return True
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return True
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p for p in positional if p.default is p.empty]
    return len(required) <= 2 <= len(positional)


def channel_for(key: str, annotation: Any) -> BaseChannel | type:
    """One field -> a managed value class, an explicit channel, a reducer channel or LastValue."""
    annotation = _strip(annotation)
    if get_origin(annotation) is Annotated:
        base, *meta = get_args(annotation)
        base = _strip(base)
        if meta and is_managed_value(meta[-1]):
            return meta[-1]
        for m in meta:
            if isinstance(m, BaseChannel):
                m.key = key
                return m
            if isinstance(m, type) and issubclass(m, BaseChannel):
                import inspect

                return m(base, key=key) if "key" in inspect.signature(m).parameters else m(base)
        if meta and callable(meta[-1]) and not isinstance(meta[-1], type):
            return _reducer_channel(key, base, meta[-1])
        return LastValue(base, key=key)
    if get_origin(annotation) is None and is_managed_value(annotation):
        return annotation
    return LastValue(annotation, key=key)


def _reducer_channel(key: str, typ: Any, fn: Callable[[Any, Any], Any]) -> BaseChannel:
    if not _reducer_arity_ok(fn):
        raise coded(
            ValueError,
            f"Invalid reducer signature for key '{key}': a reducer takes exactly two positional "
            f"arguments (current, update), e.g. operator.add. Got {fn!r}.",
            ErrorCode.BUILD_BAD_REDUCER, key=key,
        )
    # why: binop imports ``stategraph.types`` (dataclasses); load it with the first reducer field.
    from ..channels.binop import BinaryOperatorAggregate

    return BinaryOperatorAggregate(typ, fn, key=key)


def channels_of(schema: Any) -> dict[str, BaseChannel | type]:
    hints = schema_hints(schema)
    if hints is None:
        # a schema that declares no fields at all (Annotated[list, add], dict, int, None) is
        # one root value, as in LangGraph; a class with no annotated fields is an empty state
        if get_origin(schema) is Annotated or not hasattr(schema, "__annotations__"):
            return {ROOT: channel_for(ROOT, schema)}
        return {}
    return {k: channel_for(k, v) for k, v in hints.items()}


def is_model_schema(schema: Any) -> bool:
    import dataclasses

    return isinstance(schema, type) and (
        dataclasses.is_dataclass(schema) or hasattr(schema, "model_validate")
    )


def make_mapper(schema: Any) -> Callable[[Any], Any] | None:
    """Input converter for nodes declared with a dataclass or pydantic schema."""
    if not is_model_schema(schema):
        return None

    import dataclasses

    def to_model(value: Any) -> Any:
        if not isinstance(value, dict) or isinstance(value, schema):
            return value
        if dataclasses.is_dataclass(schema):
            names = {f.name for f in dataclasses.fields(schema)}
            return schema(**{k: v for k, v in value.items() if k in names})
        return schema(**value)

    return to_model


def first_param_schema(fn: Any) -> Any:
    """The class annotation of the first parameter of ``fn`` if it declares fields."""
    import inspect

    try:
        params = list(inspect.signature(fn).parameters.values())
        hints = get_type_hints(fn)
    except (TypeError, ValueError, NameError):
        return None
    if not params:
        return None
    ann = hints.get(params[0].name)
    if isinstance(ann, type) and schema_hints(ann):
        return ann
    return None


def return_schema(fn: Any) -> Any:
    try:
        ann = get_type_hints(fn).get("return")
    except (TypeError, NameError):
        return None
    if isinstance(ann, type) and schema_hints(ann) and not hasattr(ann, "__origin__"):
        return ann
    return None
