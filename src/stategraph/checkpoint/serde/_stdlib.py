"""Codecs for the builtin and stdlib types (plus ``Send``) the msgpack serializer knows.

Each codec turns a value into msgpack-able *state* and back.  Decoding looks the
codec up by a fixed key, so stored bytes can only ever select one of these
functions; nothing is imported or called by name.
"""

from __future__ import annotations

import collections
import datetime as dt
import decimal
import ipaddress
import pathlib
import re
import uuid
import zoneinfo
from collections.abc import Callable
from typing import Any

from ...types import Send

__all__ = ["DECODERS", "ENCODERS", "register_codec", "type_key"]

Encoder = Callable[[Any], Any]
Decoder = Callable[[Any], Any]


def type_key(cls: type) -> str:
    """Return the ``module:qualname`` key that names ``cls`` in stored data."""
    return f"{cls.__module__}:{cls.__qualname__}"


# Invariant: for every entry, DECODERS[type_key(cls)](encode(value)) == value.
ENCODERS: dict[type, tuple[str, Encoder]] = {}
DECODERS: dict[str, Decoder] = {}


def _register(cls: type, encode: Encoder, decode: Decoder) -> None:
    key = type_key(cls)
    ENCODERS[cls] = (key, encode)
    DECODERS[key] = decode


def register_codec(cls: type, encode: Encoder, decode: Decoder) -> None:
    """Give one of stategraph's own value classes (e.g. store Items) a fixed codec.

    Only stategraph modules register: their codecs are found by importing the module a
    stored key names, which the decoder does for stategraph modules alone.
    """
    if not (cls.__module__ == "stategraph" or cls.__module__.startswith("stategraph.")):
        raise ValueError(f"register_codec is for stategraph's own classes, not {type_key(cls)}.")
    _register(cls, encode, decode)


def _datetime_state(value: dt.datetime) -> list[Any]:
    return [
        value.year, value.month, value.day, value.hour, value.minute, value.second,
        value.microsecond, value.tzinfo, value.fold,
    ]  # fmt: skip


def _timezone(state: list[Any]) -> dt.timezone:
    """A fixed-offset zone; UTC comes back as the ``timezone.utc`` singleton (LangGraph does too)."""
    zone = dt.timezone(*state)
    return dt.UTC if zone == dt.UTC and zone.tzname(None) == "UTC" else zone


def _datetime_from(state: list[Any]) -> dt.datetime:
    *fields, tzinfo, fold = state
    return dt.datetime(*fields, tzinfo=tzinfo, fold=fold)


def _time_state(value: dt.time) -> list[Any]:
    return [value.hour, value.minute, value.second, value.microsecond, value.tzinfo, value.fold]


def _time_from(state: list[Any]) -> dt.time:
    *fields, tzinfo, fold = state
    return dt.time(*fields, tzinfo=tzinfo, fold=fold)


def _register_all() -> None:
    _register(tuple, list, tuple)
    _register(set, list, set)
    _register(frozenset, list, frozenset)
    _register(bytearray, bytes, bytearray)
    _register(int, str, int)  # only reached for ints beyond 64 bits
    _register(range, lambda r: [r.start, r.stop, r.step], lambda s: range(*s))
    _register(collections.deque, lambda d: [list(d), d.maxlen], lambda s: collections.deque(*s))
    _register(collections.OrderedDict, lambda d: list(d.items()), collections.OrderedDict)
    _register(
        collections.Counter, lambda d: list(d.items()), lambda s: collections.Counter(dict(s))
    )
    _register(dt.datetime, _datetime_state, _datetime_from)
    _register(dt.date, lambda d: [d.year, d.month, d.day], lambda s: dt.date(*s))
    _register(dt.time, _time_state, _time_from)
    _register(
        dt.timedelta,
        lambda d: [d.days, d.seconds, d.microseconds],
        lambda s: dt.timedelta(days=s[0], seconds=s[1], microseconds=s[2]),
    )
    _register(dt.timezone, lambda z: [z.utcoffset(None), z.tzname(None)], _timezone)
    _register(zoneinfo.ZoneInfo, lambda z: z.key, zoneinfo.ZoneInfo)
    _register(uuid.UUID, lambda u: u.bytes, lambda b: uuid.UUID(bytes=b))
    _register(decimal.Decimal, str, decimal.Decimal)
    _register(re.Pattern, lambda p: [p.pattern, p.flags], lambda s: re.compile(*s))
    for path_cls in (pathlib.PurePosixPath, pathlib.PureWindowsPath, type(pathlib.Path())):
        _register(path_cls, str, path_cls)
    for ip_cls in (
        ipaddress.IPv4Address, ipaddress.IPv6Address, ipaddress.IPv4Network,
        ipaddress.IPv6Network, ipaddress.IPv4Interface, ipaddress.IPv6Interface,
    ):  # fmt: skip
        _register(ip_cls, str, ip_cls)
    _register(
        Send,
        lambda s: [s.node, s.arg, s.timeout],
        lambda s: Send(s[0], s[1], timeout=s[2]),
    )


_register_all()
