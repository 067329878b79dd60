"""Custom authentication and per-resource authorization for the stategraph server.

An ``Auth`` object registers one ``authenticate`` handler (who is asking) and ``on`` handlers
(may they, and which rows do they see).  Point the server config at it with
``{"auth": {"path": "./auth.py:auth"}}``; a LangGraph ``auth.py`` works after renaming
``from langgraph_sdk import Auth`` to ``from stategraph.auth import Auth`` (the server also
accepts a ``langgraph_sdk.Auth`` object as is).  Handler results: ``None``/``True`` allow,
``False`` answers 403, a dict is a metadata filter on the rows the caller may see.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ..errors import ErrorCode, coded
from . import exceptions, types

__all__ = ["Auth", "exceptions", "types"]

F = TypeVar("F", bound=Callable[..., Any])


class Auth:
    """Holds the authenticate handler and the authorization handlers of a server.

    Examples:
        An ``auth.py`` that admits one token and tags each new thread with its owner,
        served beside a graph and called over HTTP:

        >>> from pathlib import Path
        >>> from starlette.testclient import TestClient
        >>> from stategraph.server import create_app
        >>> _ = Path("auth.py").write_text('''
        ... from stategraph.auth import Auth
        ... auth = Auth()
        ...
        ... @auth.authenticate
        ... async def authenticate(authorization):
        ...     if authorization != "Bearer alice-token":
        ...         raise Auth.exceptions.HTTPException(401, "Unknown token.")
        ...     return "alice"
        ...
        ... @auth.on.threads.create
        ... async def tag_owner(ctx, value):
        ...     value.setdefault("metadata", {})["owner"] = ctx.user.identity
        ... ''')
        >>> _ = Path("agent.py").write_text(
        ...     "from stategraph.graph import MessagesState, StateGraph\\n"
        ...     "graph = StateGraph(MessagesState).add_node('echo', lambda s: {})"
        ...     ".add_edge('__start__', 'echo').compile()\\n"
        ... )
        >>> config = {"graphs": {"agent": "./agent.py:graph"}, "auth": {"path": "./auth.py:auth"}}
        >>> with TestClient(create_app(config)) as client:
        ...     refused = client.post("/threads", json={})
        ...     created = client.post("/threads", json={}, headers={"Authorization": "Bearer alice-token"})
        >>> refused.status_code, refused.json()
        (401, {'detail': 'Unknown token.'})
        >>> created.status_code, created.json()["metadata"]
        (200, {'owner': 'alice'})
    """

    types = types
    exceptions = exceptions
    # why: annotations such as ``value: Auth.on.threads.create.value`` are evaluated on the
    # class; each instance replaces this with its own registering ``_On``
    on: Any = types.on

    def __init__(self) -> None:
        # Invariant: keys are (resource, action) with "*" for "any"; ("*", "*") is never a key,
        # global handlers live in _global_handlers (at most one).
        self._handlers: dict[tuple[str, str], list[Callable[..., Any]]] = {}
        self._global_handlers: list[Callable[..., Any]] = []
        self._authenticate_handler: Callable[..., Any] | None = None
        self.on = _On(self)

    def authenticate(self, fn: F) -> F:
        """Register the handler that turns a request into a user (an id, dict or object).

        It may take any of ``request``, ``path``, ``method``, ``path_params``,
        ``query_params``, ``headers`` and ``authorization`` by name; raising
        ``Auth.exceptions.HTTPException`` answers the request with that status.
        """
        if self._authenticate_handler is not None:
            raise coded(
                ValueError,
                f"Auth already has an authenticate handler ({_name(self._authenticate_handler)}); "
                f"remove the second one ({_name(fn)}).",
                ErrorCode.BUILD_BAD_ARGUMENT,
            )
        if not inspect.iscoroutinefunction(fn):
            raise coded(
                ValueError,
                f"Authenticate handler {_name(fn)} must be an async function; add 'async'.",
                ErrorCode.BUILD_BAD_ARGUMENT,
            )
        self._authenticate_handler = fn
        return fn


def _name(fn: Any) -> str:
    return repr(getattr(fn, "__qualname__", fn))


def _register(auth: Auth, resource: str, action: str, fn: Any) -> None:
    signature = inspect.signature(fn)
    if not inspect.iscoroutinefunction(fn) or not {"ctx", "value"} <= set(signature.parameters):
        raise coded(
            ValueError,
            f"Auth handler {_name(fn)} must be 'async def handler(ctx, value)'; fix its "
            "signature (both parameters by those names).",
            ErrorCode.BUILD_BAD_ARGUMENT,
        )
    if (resource, action) == ("*", "*"):
        if auth._global_handlers:
            raise coded(
                ValueError, "Auth already has a global handler.", ErrorCode.BUILD_BAD_ARGUMENT
            )
        auth._global_handlers.append(fn)
        return
    if (resource, action) in auth._handlers:
        raise coded(
            ValueError,
            f"Auth already has a handler for resource {resource!r}, action {action!r}.",
            ErrorCode.BUILD_BAD_ARGUMENT,
        )
    auth._handlers[(resource, action)] = [fn]


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return ["*"]
    return [value] if isinstance(value, str) else list(value)


class _Action:
    """``auth.on.threads.create``: register a handler for one resource and action."""

    value = dict[str, Any]

    def __init__(self, auth: Auth, resource: str, action: str) -> None:
        self._auth, self._resource, self._action = auth, resource, action

    def __call__(self, fn: F) -> F:
        _register(self._auth, self._resource, self._action, fn)
        return fn


class _Resource:
    """``auth.on.threads``: a handler for every action of a resource, or ``.create`` etc."""

    value = dict[str, Any]
    _ACTIONS: tuple[str, ...] = ("create", "read", "update", "delete", "search")

    def __init__(self, auth: Auth, resource: str) -> None:
        self._auth, self._resource = auth, resource
        for action in self._ACTIONS:
            setattr(self, action, _Action(auth, resource, action))

    def __call__(self, fn: Any = None, *, actions: str | Sequence[str] | None = None) -> Any:
        def decorator(handler: F) -> F:
            for action in _as_list(actions):
                _register(self._auth, self._resource, action, handler)
            return handler

        return decorator(fn) if fn is not None else decorator


class _Threads(_Resource):
    _ACTIONS = (*_Resource._ACTIONS, "create_run")


class _Store(_Resource):
    _ACTIONS = ("put", "get", "search", "delete", "list_namespaces")


class _On:
    """``auth.on``: a global handler, ``auth.on(resources=..., actions=...)``, or a resource."""

    value = dict[str, Any]

    def __init__(self, auth: Auth) -> None:
        self._auth = auth
        self.threads = _Threads(auth, "threads")
        self.assistants = _Resource(auth, "assistants")
        self.crons = _Resource(auth, "crons")
        self.store = _Store(auth, "store")

    def __call__(
        self,
        fn: Any = None,
        *,
        resources: str | Sequence[str] | None = None,
        actions: str | Sequence[str] | None = None,
    ) -> Any:
        def decorator(handler: F) -> F:
            for resource in _as_list(resources):
                for action in _as_list(actions):
                    _register(self._auth, resource, action, handler)
            return handler

        return decorator(fn) if fn is not None else decorator
