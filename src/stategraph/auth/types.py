"""Types an auth handler sees: the authenticated user, the request context, filter shapes.

``on.<resource>.<action>.value`` names the type of the ``value`` a handler receives, so that
annotations written for LangGraph's ``Auth.types`` resolve here too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Required, TypedDict

from .._user import BaseUser  # one protocol, as LangGraph's runtime and SDK share one

__all__ = [
    "AuthContext",
    "BaseUser",
    "FilterType",
    "Handler",
    "HandlerResult",
    "MinimalUserDict",
    "User",
    "on",
]

# {"owner": "u1"} | {"owner": {"$eq": "u1"}} | {"tags": {"$contains": "x" | ["x", "y"]}}
FilterType = dict[str, Any]
HandlerResult = None | bool | FilterType
Handler = Callable[..., Awaitable[HandlerResult]]


class MinimalUserDict(TypedDict, total=False):
    """What an authenticate handler may return instead of a user object or an id string."""

    identity: Required[str]
    display_name: str
    is_authenticated: bool
    permissions: Sequence[str]


@dataclass(frozen=True, slots=True)
class User:
    """The authenticated user as handlers see it; also readable as ``user["identity"]``."""

    identity: str
    permissions: tuple[str, ...] = ()
    display_name: str = ""
    is_authenticated: bool = True
    extra: tuple[tuple[str, Any], ...] = ()  # further keys an authenticate dict returned

    def __getitem__(self, key: str) -> Any:
        if key in ("identity", "permissions", "display_name", "is_authenticated"):
            return getattr(self, key)
        return dict(self.extra)[key]

    def __contains__(self, key: str) -> bool:
        return key in ("identity", "permissions", "display_name", "is_authenticated") or key in (
            dict(self.extra)
        )

    def __iter__(self) -> Iterator[str]:
        yield from ("identity", "permissions", "display_name", "is_authenticated")
        yield from dict(self.extra)

    def dict(self) -> dict[str, Any]:
        """Return the user as a plain mapping."""
        fields = ("identity", "permissions", "display_name", "is_authenticated")
        return {**dict(self.extra), **{k: self[k] for k in fields}}


@dataclass(frozen=True, slots=True)
class AuthContext:
    """Who asks (``user``, ``permissions``) for what (``resource``, ``action``)."""

    user: Any  # a User, or the object the authenticate handler returned
    permissions: Sequence[str]
    resource: str
    action: str


class _Value:
    value = dict[str, Any]


def _actions(*names: str) -> type:
    return type("actions", (_Value,), {name: type(name, (_Value,), {}) for name in names})


_RESOURCE_ACTIONS = ("create", "read", "update", "delete", "search")


class on:
    """``on.threads.create.value`` etc.: the type of each handler's ``value``."""

    value = dict[str, Any]
    threads = _actions(*_RESOURCE_ACTIONS, "create_run")
    assistants = _actions(*_RESOURCE_ACTIONS)
    crons = _actions(*_RESOURCE_ACTIONS)
    store = _actions("put", "get", "search", "delete", "list_namespaces")
