"""``RedisCache``: a ``BaseCache`` in Redis through a redis-py client, expiry left to Redis.

Each entry is one string key ``{prefix}{depth}:{part}:...:{part}:{key}`` (``%`` and
``:`` escaped inside parts), so a namespace is an exact key prefix that ``SCAN`` can
match without touching deeper namespaces.  The operations are written once as plans
of Redis commands; a sync and an async driver send them to the client.
"""

from __future__ import annotations

import asyncio
import inspect
import math
from collections.abc import Generator, Mapping, Sequence
from typing import Any

from ..errors import ErrorCode, coded
from ._codec import MISS, default_serde, load_value
from .base import BaseCache, FullKey, Namespace, ValueT

__all__ = ["RedisCache"]

_SCAN_COUNT = 1000  # keys Redis examines per SCAN call
_GLOB_SPECIAL = "\\*?[]"

# A command for the client, e.g. ("mget", names), ("set", name, data, px) or
# ("scan", cursor, pattern); a plan yields commands and receives their replies.
Command = tuple[Any, ...]
Plan = Generator[Command, Any, Any]


def _escape_part(part: str) -> str:
    return part.replace("%", "%25").replace(":", "%3A")


def _escape_glob(text: str) -> str:
    return "".join("\\" + char if char in _GLOB_SPECIAL else char for char in text)


def _frame(tag: str, payload: bytes) -> bytes:
    if "\n" in tag:
        raise coded(
            ValueError,
            f"The cache serializer returned the type tag {tag!r}, which contains a newline; "
            "RedisCache stores the tag on one line. Use a serializer with one-line tags.",
            ErrorCode.CHECKPOINT_BAD_ARGUMENT,
        )
    return tag.encode() + b"\n" + payload


def _unframe(data: bytes) -> tuple[str, bytes]:
    tag, _, payload = data.partition(b"\n")  # a value without the newline fails to load
    return tag.decode("utf-8", "replace"), payload


def _is_async_client(client: Any) -> bool:
    return inspect.iscoroutinefunction(getattr(client, "execute_command", None))


def _check_returns_bytes(client: Any) -> None:
    pool = getattr(client, "connection_pool", None)
    if getattr(pool, "connection_kwargs", {}).get("decode_responses"):
        raise coded(
            ValueError,
            "RedisCache got a Redis client created with decode_responses=True, but cached "
            "values are bytes. Pass a client made without decode_responses (the default).",
            ErrorCode.CHECKPOINT_BAD_ARGUMENT,
        )


class RedisCache(BaseCache[ValueT]):
    """Cache node writes in Redis under ``prefix``; TTLs become Redis key expiries.

    ``redis`` is a ``redis.Redis`` or a ``redis.asyncio.Redis`` (then only the
    ``a``-methods work).  With a sync client the ``a``-methods run it in a thread.
    ``clear()`` deletes only keys under ``prefix``, found with ``SCAN``.

    Examples:
        >>> import uuid
        >>> import redis
        >>> from stategraph.cache.redis import RedisCache
        >>> client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        >>> cache = RedisCache(client, prefix=f"docs:{uuid.uuid4().hex}:")
        >>> cache.set({(("fetch",), "url-1"): ({"status": 200}, 60)})
        >>> cache.get([(("fetch",), "url-1"), (("fetch",), "url-2")])
        {(('fetch',), 'url-1'): {'status': 200}}
        >>> cache.clear()  # deletes only this cache's keys
        >>> cache.get([(("fetch",), "url-1")])
        {}
        >>> client.close()
    """

    def __init__(self, redis: Any, *, serde: Any = None, prefix: str = "langgraph:cache:") -> None:
        super().__init__(serde=default_serde(serde))
        _check_returns_bytes(redis)
        self.redis = redis  # why: Any - redis-py sync or asyncio client, duck-typed
        self.prefix = prefix
        self._is_async = _is_async_client(redis)

    # --- key layout ---------------------------------------------------------------------

    def _namespace_prefix(self, namespace: Namespace) -> str:
        parts = "".join(_escape_part(part) + ":" for part in namespace)
        return f"{self.prefix}{len(namespace)}:{parts}"

    def _name(self, namespace: Namespace, key: str) -> str:
        return self._namespace_prefix(namespace) + _escape_part(key)

    # --- plans: the only copy of each operation -----------------------------------------

    def _plan_get(self, keys: Sequence[FullKey]) -> Plan:
        wanted = {self._name(tuple(ns), key): (tuple(ns), key) for ns, key in keys}
        if not wanted:
            return {}
        replies = yield ("mget", list(wanted))
        found: dict[FullKey, Any] = {}
        for full_key, data in zip(wanted.values(), replies, strict=True):
            if data is None:
                continue
            value = load_value(self.serde, full_key, *_unframe(data))
            if value is not MISS:
                found[full_key] = value
        return found

    def _plan_set(self, pairs: Mapping[FullKey, tuple[Any, int | float | None]]) -> Plan:
        commands: list[Command] = []
        for (ns, key), (value, ttl) in pairs.items():
            name = self._name(tuple(ns), key)
            if ttl is not None and ttl <= 0:
                commands.append(("unlink", name))  # already expired, as in InMemoryCache
                continue
            data = _frame(*self.serde.dumps_typed(value))
            px = None if ttl is None else max(1, math.ceil(ttl * 1000))
            commands.append(("set", name, data, px))
        if commands:
            yield ("pipeline", commands)

    def _plan_clear(self, namespaces: Sequence[Namespace] | None) -> Plan:
        if namespaces is None:
            patterns = [_escape_glob(self.prefix) + "*"]
        else:
            prefixes = {self._namespace_prefix(tuple(ns)) for ns in namespaces}
            patterns = [_escape_glob(prefix) + "*" for prefix in sorted(prefixes)]
        for pattern in patterns:
            cursor = 0
            while True:
                cursor, names = yield ("scan", cursor, pattern)
                if names:
                    yield ("unlink", *names)
                if int(cursor) == 0:
                    break

    # --- drivers --------------------------------------------------------------------------

    def _send(self, command: Command) -> Any:
        """Issue one command; the reply is a value (sync client) or an awaitable (async)."""
        kind, *args = command
        if kind == "mget":
            return self.redis.mget(args[0])
        if kind == "scan":
            return self.redis.scan(args[0], match=args[1], count=_SCAN_COUNT)
        if kind == "unlink":
            return self.redis.unlink(*args)
        pipe = self.redis.pipeline(transaction=False)
        for name_kind, name, *rest in args[0]:
            if name_kind == "set":
                pipe.set(name, rest[0], px=rest[1])
            else:
                pipe.unlink(name)
        return pipe.execute()

    def _run(self, plan: Plan) -> Any:
        if self._is_async:
            raise coded(
                TypeError,
                "RedisCache was given a redis.asyncio client, which cannot serve sync calls "
                "(get/set/clear, graph.invoke). Use ainvoke/astream, or pass a redis.Redis "
                "client (its async methods then run in a thread).",
                ErrorCode.CHECKPOINT_BAD_ARGUMENT,
            )
        reply: Any = None
        while True:
            try:
                command = plan.send(reply)
            except StopIteration as done:
                return done.value
            reply = self._send(command)

    async def _arun(self, plan: Plan) -> Any:
        if not self._is_async:
            return await asyncio.to_thread(self._run, plan)
        reply: Any = None
        while True:
            try:
                command = plan.send(reply)
            except StopIteration as done:
                return done.value
            reply = await self._send(command)

    # --- the BaseCache surface --------------------------------------------------------------

    def get(self, keys: Sequence[FullKey]) -> dict[FullKey, ValueT]:
        """Return the live values among ``keys`` (one ``MGET``)."""
        return self._run(self._plan_get(keys))

    def set(self, pairs: Mapping[FullKey, tuple[ValueT, int | float | None]]) -> None:
        """Store each value with ``SET ... PX`` (no expiry when the TTL is None)."""
        self._run(self._plan_set(pairs))

    def clear(self, namespaces: Sequence[Namespace] | None = None) -> None:
        """Delete ``namespaces`` (exact match), or all keys under ``prefix`` when None."""
        self._run(self._plan_clear(namespaces))

    async def aget(self, keys: Sequence[FullKey]) -> dict[FullKey, ValueT]:
        """Async ``get``."""
        return await self._arun(self._plan_get(keys))

    async def aset(self, pairs: Mapping[FullKey, tuple[ValueT, int | float | None]]) -> None:
        """Async ``set``."""
        await self._arun(self._plan_set(pairs))

    async def aclear(self, namespaces: Sequence[Namespace] | None = None) -> None:
        """Async ``clear``."""
        await self._arun(self._plan_clear(namespaces))
