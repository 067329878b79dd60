"""The default serializer: msgpack (ormsgpack) with typed extensions and a strict allowlist.

Tags: ``"null"`` (None), ``"bytes"``/``"bytearray"`` (raw), ``"msgpack"`` (everything
else); ``"json"`` is read-only for legacy data.  Pickle is never used.

Unlike LangGraph, decoding is strict by default: stored bytes may only name classes on
the allowlist (see ``_allowlist``).  Known losses: dict keys that are datetimes, UUIDs
or enums come back as strings; subclasses of str/int/float/dict/list (other than the
enums, NamedTuples, OrderedDict, Counter and deque handled here) come back as the
base type; exceptions are stored as their ``repr`` (as in LangGraph); pydantic private
attributes are not stored; a ``bytearray`` nested in a container comes back as bytes.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import json
import sys
from collections.abc import Iterable
from typing import Any

import ormsgpack

from ...errors import ErrorCode, SerializationError, coded
from ._allowlist import Allowlist, AllowlistEntry
from ._locate import locate_unencodable
from ._stdlib import DECODERS, ENCODERS, type_key

__all__ = ["JsonPlusSerializer"]

_PACK_OPTIONS = (
    ormsgpack.OPT_NON_STR_KEYS
    | ormsgpack.OPT_PASSTHROUGH_BIG_INT
    | ormsgpack.OPT_PASSTHROUGH_DATACLASS
    | ormsgpack.OPT_PASSTHROUGH_DATETIME
    | ormsgpack.OPT_PASSTHROUGH_ENUM
    | ormsgpack.OPT_PASSTHROUGH_SUBCLASS
    | ormsgpack.OPT_PASSTHROUGH_TUPLE
    | ormsgpack.OPT_PASSTHROUGH_UUID
)
_UNPACK_OPTIONS = ormsgpack.OPT_NON_STR_KEYS

# msgpack extension codes; payload is always a msgpack list starting with a type key.
EXT_STDLIB = 0  # [key, state] decoded by a fixed codec from _stdlib
EXT_DATACLASS = 1  # [key, {init fields}, {non-init fields}]
EXT_NAMEDTUPLE = 2  # [key, [values]]
EXT_PYDANTIC = 3  # [key, {fields}, [fields set]]
EXT_ENUM = 4  # [key, value]

_BASE_TYPES = (str, int, float, dict, list, tuple)


class JsonPlusSerializer:
    """Serialize checkpoint values to ``(tag, bytes)``; decode only allowlisted classes.

    Plain data, dates and the library's own types load anywhere; a user class
    (dataclass, pydantic model...) loads only once it is registered or its module
    is allowed.  Nothing is ever pickled.

    Examples:
        >>> import dataclasses, datetime
        >>> from stategraph.checkpoint.serde.jsonplus import JsonPlusSerializer
        >>> from stategraph.errors import SerializationError
        >>> @dataclasses.dataclass
        ... class Point:
        ...     x: int
        ...     y: int
        >>> serde = JsonPlusSerializer()
        >>> tag, data = serde.dumps_typed({"at": datetime.date(2024, 1, 2), "p": Point(1, 2)})
        >>> tag
        'msgpack'
        >>> try:
        ...     serde.loads_typed((tag, data))
        ... except SerializationError as e:
        ...     print(e.code.name)
        CHECKPOINT_UNKNOWN_TYPE
        >>> serde.register(Point)
        <class '...Point'>
        >>> serde.loads_typed((tag, data))
        {'at': datetime.date(2024, 1, 2), 'p': Point(x=1, y=2)}
    """

    def __init__(
        self,
        *,
        allowed_modules: Iterable[AllowlistEntry] = (),
        allow_all_already_imported: bool = False,
        pickle_fallback: bool = False,
    ) -> None:
        if pickle_fallback:
            raise SerializationError(
                "JsonPlusSerializer(pickle_fallback=True) is not supported: stategraph never "
                "pickles. Store the value as a dataclass, pydantic model or plain data instead.",
                code=ErrorCode.CHECKPOINT_NOT_SERIALIZABLE,
            )
        self.allowlist = Allowlist(
            allowed_modules, allow_all_already_imported=allow_all_already_imported
        )

    def register(self, *classes: type) -> Any:
        """Allow stored data to name ``classes``; usable as a class decorator."""
        for cls in classes:
            self.allowlist.register(cls)
        return classes[0] if len(classes) == 1 else classes

    def with_allowlist(self, extra: Iterable[AllowlistEntry]) -> JsonPlusSerializer:
        """Return a new serializer that also allows ``extra`` classes or modules."""
        clone = object.__new__(JsonPlusSerializer)
        clone.allowlist = self.allowlist.extended(extra)
        return clone

    # --- encoding ---------------------------------------------------------------------

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        """Serialize ``obj``; raise ``SerializationError`` naming the failing path."""
        if obj is None:
            return "null", b""
        if type(obj) is bytes:
            return "bytes", obj
        if type(obj) is bytearray:
            return "bytearray", bytes(obj)
        return "msgpack", self._pack(obj)

    def _pack(self, obj: Any) -> bytes:
        try:
            return ormsgpack.packb(obj, default=self._default, option=_PACK_OPTIONS)
        except TypeError as exc:
            raise self._encode_error(obj) from exc

    def _default(self, obj: Any) -> Any:
        codec = ENCODERS.get(type(obj))
        if codec is not None:
            key, encode = codec
            return self._ext(EXT_STDLIB, [key, encode(obj)])
        cls = type(obj)
        if isinstance(obj, enum.Enum):
            return self._ext(EXT_ENUM, [type_key(cls), obj.value])
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return self._ext(EXT_DATACLASS, [type_key(cls), *_dataclass_state(obj)])
        if isinstance(obj, tuple) and hasattr(obj, "_fields"):
            return self._ext(EXT_NAMEDTUPLE, [type_key(cls), list(obj)])
        if _is_pydantic(obj):
            return self._ext(EXT_PYDANTIC, [type_key(cls), *_pydantic_state(obj)])
        for base in _BASE_TYPES:
            if isinstance(obj, base):
                return base(obj)  # a subclass of a builtin: stored as the builtin
        if isinstance(obj, BaseException):
            return repr(obj)  # as LangGraph: errors are kept for display only
        raise TypeError(f"unsupported type {type_key(cls)}")

    def _ext(self, code: int, state: list[Any]) -> ormsgpack.Ext:
        return ormsgpack.Ext(
            code, ormsgpack.packb(state, default=self._default, option=_PACK_OPTIONS)
        )

    def _encodes(self, value: Any) -> bool:
        try:
            ormsgpack.packb(value, default=self._default, option=_PACK_OPTIONS)
        except TypeError:
            return False
        return True

    def _encode_error(self, obj: Any) -> TypeError:
        path, culprit, is_key = locate_unencodable(obj, self._encodes)
        type_name = type_key(type(culprit)).replace(":", ".")
        what = "a dict key" if is_key else "a value"
        return not_serializable(
            f"Cannot serialize {what} of type {type_name} at {path}. Checkpoints hold plain "
            "data (dict, list, tuple, set, str, bytes, numbers, None), datetimes, UUIDs, "
            "Decimals, enums, dataclasses, NamedTuples and pydantic models; convert the value "
            "to one of these.",
            path=path,
            type_name=type_name,
        )

    # --- decoding ---------------------------------------------------------------------

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        """Rebuild a value from ``(tag, bytes)``; unknown classes raise (E303)."""
        tag, payload = data
        if tag == "null":
            return None
        if tag == "bytes":
            return bytes(payload)
        if tag == "bytearray":
            return bytearray(payload)
        if tag == "msgpack":
            return self._unpack(bytes(payload))
        if tag == "json":
            return self._load_json(bytes(payload))
        hint = " It looks encrypted: read it with EncryptedSerializer." if "+" in tag else ""
        raise coded(  # a NotImplementedError, as LangGraph raises for a tag it does not read
            NotImplementedError,
            f"Cannot load data with type tag {tag!r}: this serializer reads 'null', 'bytes', "
            f"'bytearray', 'msgpack' and 'json' (and never unpickles).{hint}",
            ErrorCode.CHECKPOINT_UNKNOWN_TYPE,
            type_name=tag,
        )

    def _unpack(self, payload: bytes) -> Any:
        failures: list[Exception] = []

        def hook(code: int, data: bytes) -> Any:
            try:
                state = ormsgpack.unpackb(data, ext_hook=hook, option=_UNPACK_OPTIONS)
                return self._decode_ext(code, state)
            except Exception as exc:
                failures.append(exc)  # why: ormsgpack replaces hook errors with a bare one
                raise

        try:
            return ormsgpack.unpackb(payload, ext_hook=hook, option=_UNPACK_OPTIONS)
        except (ValueError, TypeError) as exc:
            cause = failures[0] if failures else exc
            if isinstance(cause, SerializationError):
                raise cause from None
            raise SerializationError(
                f"Stored msgpack data is corrupt or truncated ({cause}).",
                code=ErrorCode.CHECKPOINT_CORRUPT,
            ) from cause

    def _decode_ext(self, code: int, state: Any) -> Any:
        if not isinstance(state, list) or not state or not isinstance(state[0], str):
            raise ValueError(f"malformed extension payload for code {code}")
        key, *rest = state
        if code == EXT_STDLIB:
            decode = DECODERS.get(key) or _own_codec(key)
            if decode is None:
                raise SerializationError(
                    f"Stored data uses the codec {key!r}, which this version of stategraph "
                    "does not know. Upgrade stategraph to read it.",
                    code=ErrorCode.CHECKPOINT_UNKNOWN_TYPE,
                    type_name=key,
                )
            return decode(rest[0])
        cls = self.allowlist.resolve(key)
        return _build(code, cls, rest)

    def _load_json(self, payload: bytes) -> Any:
        return json.loads(payload, object_hook=self._revive_langchain)

    def _revive_langchain(self, obj: dict[str, Any]) -> Any:
        # Legacy LangChain envelope {"lc": 1, "type": "constructor", "id": [...], "kwargs": {}}:
        # only message classes from langchain_core.messages are rebuilt.
        if obj.get("lc") != 1 or obj.get("type") != "constructor":
            return obj
        ids = obj.get("id")
        if not isinstance(ids, list) or not ids or not isinstance(ids[-1], str):
            return obj
        cls = self.allowlist.resolve(f"langchain_core.messages:{ids[-1]}")
        return cls(**obj.get("kwargs", {}))


def not_serializable(message: str, **attrs: Any) -> TypeError:
    """A value that cannot be stored: a TypeError (as LangGraph raises), coded E306."""
    return coded(TypeError, message, ErrorCode.CHECKPOINT_NOT_SERIALIZABLE, **attrs)  # type: ignore[no-any-return]


def is_not_serializable(exc: BaseException) -> bool:
    """True for the encode failure ``not_serializable`` builds."""
    return getattr(exc, "code", None) is ErrorCode.CHECKPOINT_NOT_SERIALIZABLE


def _own_codec(key: str) -> Any:
    """The codec of a stategraph class whose module registers it on import (e.g. store Items)."""
    module = key.partition(":")[0]
    if module != "stategraph" and not module.startswith("stategraph."):
        return None  # why: only our own modules are ever imported to find a codec
    try:
        importlib.import_module(module)
    except ImportError:
        return None
    return DECODERS.get(key)


def _dataclass_state(obj: Any) -> list[dict[str, Any]]:
    init: dict[str, Any] = {}
    other: dict[str, Any] = {}
    for field in dataclasses.fields(obj):
        if hasattr(obj, field.name):
            (init if field.init else other)[field.name] = getattr(obj, field.name)
    return [init, other]


def _is_pydantic(obj: Any) -> bool:
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and isinstance(obj, pydantic.BaseModel)


def _pydantic_state(obj: Any) -> list[Any]:
    values = {name: getattr(obj, name) for name in type(obj).model_fields}
    values.update(obj.__pydantic_extra__ or {})
    return [values, sorted(obj.model_fields_set)]


def _build(code: int, cls: type, rest: list[Any]) -> Any:
    kind_ok = {
        EXT_DATACLASS: lambda: dataclasses.is_dataclass(cls),
        EXT_NAMEDTUPLE: lambda: issubclass(cls, tuple) and hasattr(cls, "_fields"),
        EXT_PYDANTIC: lambda: hasattr(cls, "model_construct") and hasattr(cls, "model_fields"),
        EXT_ENUM: lambda: issubclass(cls, enum.Enum),
    }.get(code)
    if kind_ok is None or not kind_ok():
        raise ValueError(f"extension code {code} does not match class {type_key(cls)}")
    if code == EXT_DATACLASS:
        obj = cls(**rest[0])
        for name, value in rest[1].items():
            object.__setattr__(obj, name, value)
        return obj
    if code == EXT_NAMEDTUPLE:
        return cls(*rest[0])
    if code == EXT_PYDANTIC:
        return cls.model_construct(_fields_set=set(rest[1]), **rest[0])  # type: ignore[attr-defined]
    return cls(rest[0])
