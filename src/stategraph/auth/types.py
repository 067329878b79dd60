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
    """What an authenticate handler may return instead of a user object or an id string.

    Examples:
        The server turns the returned dict into the ``User`` that later handlers see:

        >>> from pathlib import Path
        >>> from starlette.testclient import TestClient
        >>> from stategraph.server import create_app
        >>> _ = Path("auth.py").write_text('''
        ... from stategraph.auth import Auth
        ... from stategraph.auth.types import MinimalUserDict
        ... auth = Auth()
        ...
        ... @auth.authenticate
        ... async def authenticate(authorization) -> MinimalUserDict:
        ...     return {"identity": "u1", "display_name": "Ann", "permissions": ["admin"]}
        ...
        ... @auth.on.threads.create
        ... async def stamp(ctx, value):
        ...     value["metadata"] = {"by": ctx.user.display_name, "perms": list(ctx.permissions)}
        ... ''')
        >>> _ = Path("agent.py").write_text(
        ...     "from stategraph.graph import MessagesState, StateGraph\\n"
        ...     "graph = StateGraph(MessagesState).add_node('echo', lambda s: {})"
        ...     ".add_edge('__start__', 'echo').compile()\\n"
        ... )
        >>> config = {"graphs": {"agent": "./agent.py:graph"}, "auth": {"path": "./auth.py:auth"}}
        >>> with TestClient(create_app(config)) as client:
        ...     print(client.post("/threads", json={}).json()["metadata"])
        {'by': 'Ann', 'perms': ['admin']}
    """

    identity: Required[str]
    display_name: str
    is_authenticated: bool
    permissions: Sequence[str]


@dataclass(frozen=True, slots=True)
class User:
    """The authenticated user as handlers see it; also readable as ``user["identity"]``.

    Examples:
        >>> from stategraph.auth.types import User
        >>> user = User(identity="alice", permissions=("threads:write",), extra=(("org", "acme"),))
        >>> user.identity, user["identity"], user["org"]
        ('alice', 'alice', 'acme')
        >>> "org" in user, list(user)
        (True, ['identity', 'permissions', 'display_name', 'is_authenticated', 'org'])
        >>> user.dict()["permissions"]
        ('threads:write',)
    """

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

    def get(self, key: str, default: Any = None) -> Any:
        """``user[key]``, or ``default`` when the user has no such key (as a mapping's ``get``)."""
        return self[key] if key in self else default

    def dict(self) -> dict[str, Any]:
        """Return the user as a plain mapping."""
        fields = ("identity", "permissions", "display_name", "is_authenticated")
        return {**dict(self.extra), **{k: self[k] for k in fields}}


@dataclass(frozen=True, slots=True)
class AuthContext:
    """Who asks (``user``, ``permissions``) for what (``resource``, ``action``).

    Examples:
        The server builds one per request and passes it to the handler as ``ctx``:

        >>> import asyncio
        >>> from stategraph.auth import Auth
        >>> from stategraph.auth.types import AuthContext, User
        >>> auth = Auth()
        >>> @auth.on.threads.delete
        ... async def admins_only(ctx: AuthContext, value: dict):
        ...     return "admin" in ctx.permissions
        >>> ctx = AuthContext(user=User("bob"), permissions=(), resource="threads", action="delete")
        >>> asyncio.run(admins_only(ctx=ctx, value={"thread_id": "t1"}))  # False: 403
        False
        >>> ctx.user.identity, ctx.resource, ctx.action
        ('bob', 'threads', 'delete')
    """

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
    """``on.threads.create.value`` etc.: the type of each handler's ``value``.

    Examples:
        >>> import asyncio
        >>> from stategraph.auth import Auth
        >>> from stategraph.auth.types import AuthContext, User, on
        >>> on.threads.create.value, on.store.put.value
        (dict[str, typing.Any], dict[str, typing.Any])
        >>> auth = Auth()
        >>> @auth.on.store.put
        ... async def own_namespace(ctx: AuthContext, value: on.store.put.value):
        ...     value["namespace"] = (ctx.user.identity, *value["namespace"])
        >>> value = {"namespace": ("notes",), "key": "k", "value": {}}
        >>> ctx = AuthContext(user=User("alice"), permissions=(), resource="store", action="put")
        >>> asyncio.run(own_namespace(ctx=ctx, value=value))
        >>> value["namespace"]
        ('alice', 'notes')
    """

    value = dict[str, Any]
    threads = _actions(*_RESOURCE_ACTIONS, "create_run")
    assistants = _actions(*_RESOURCE_ACTIONS)
    crons = _actions(*_RESOURCE_ACTIONS)
    store = _actions("put", "get", "search", "delete", "list_namespaces")
