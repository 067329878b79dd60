"""Who is asking, and what may they see: the server side of :mod:`stategraph.auth`.

:class:`AuthPolicy` is built from the config's ``auth`` key: ``{"path": "./auth.py:auth"}``
names a ``stategraph.auth.Auth`` (or a ``langgraph_sdk.Auth``: both keep their handlers in
``_authenticate_handler``, ``_handlers`` and ``_global_handlers``, which is all we read);
without it, API keys from ``{"api_keys": [...]}`` or env ``STATEGRAPH_API_KEYS`` (comma list)
are checked against the ``x-api-key`` header; with neither, every request is let in.
"""

from __future__ import annotations

import hmac
import inspect
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from starlette.requests import Request

from ..auth.types import AuthContext, User
from ._http import ApiError
from .config import ConfigError, _load_attribute

__all__ = ["AuthError", "AuthPolicy", "load_auth_policy", "matches_filter"]

_AUTH_PARAMS = (
    "request",
    "path",
    "method",
    "path_params",
    "query_params",
    "headers",
    "authorization",
)
_ANONYMOUS = User(identity="", is_authenticated=False)


class AuthError(ApiError):
    """An auth handler's refusal, with the headers it asked for (e.g. WWW-Authenticate)."""

    def __init__(self, status: int, detail: str, headers: Mapping[str, str] | None) -> None:
        super().__init__(status, detail)
        self.headers = dict(headers or {})


class AuthPolicy:
    """Authenticates requests and runs the authorization handler of a resource action."""

    def __init__(self, auth: Any = None, api_keys: frozenset[str] = frozenset()) -> None:
        self.auth = auth
        self.api_keys = api_keys
        self._authenticate = getattr(auth, "_authenticate_handler", None)
        if auth is not None and not hasattr(auth, "_handlers"):
            raise ConfigError(
                f"Config key 'auth.path' names a {type(auth).__name__}, not an Auth object. "
                "Point it at 'Auth()' from stategraph.auth (or langgraph_sdk)."
            )
        if self._authenticate is not None:
            unknown = set(inspect.signature(self._authenticate).parameters) - set(_AUTH_PARAMS)
            if unknown:
                raise ConfigError(
                    f"Authenticate handler takes unknown parameter(s) {sorted(unknown)}; it may "
                    f"take {list(_AUTH_PARAMS)} by name."
                )

    @property
    def is_active(self) -> bool:
        """Return True when requests are checked at all."""
        return self.auth is not None or bool(self.api_keys)

    async def authenticate(self, request: Request) -> Any:
        """Return the caller (a :class:`User` or the handler's user object), or raise 401/403."""
        if self.auth is None:
            return self._check_api_key(request)
        if self._authenticate is None:
            return _ANONYMOUS
        wanted = inspect.signature(self._authenticate).parameters
        kwargs = {name: _auth_argument(request, name) for name in wanted}
        try:
            result = await self._authenticate(**kwargs)
        except Exception as exc:
            raise _as_api_error(exc) from None
        return to_user(result)

    def _check_api_key(self, request: Request) -> Any:
        if not self.api_keys:
            return _ANONYMOUS
        sent = request.headers.get("x-api-key", "")
        if not any(hmac.compare_digest(sent.encode(), key.encode()) for key in self.api_keys):
            raise ApiError(
                401,
                "Missing or invalid API key: send one of the server's keys in the 'x-api-key' "
                "header (get_client(api_key=...)).",
            )
        return User(identity="api-key")

    async def authorize(self, user: Any, resource: str, action: str, value: dict[str, Any]) -> Any:
        """Run the most specific handler for ``resource``/``action`` on ``value``.

        Returns None (no restriction) or a filter dict; ``False`` answers 403.  The handler
        may change ``value`` in place (e.g. add metadata); the caller reads it back.
        """
        handler = self._handler(resource, action)
        if handler is None:
            return None
        permissions = tuple(getattr(user, "permissions", ()) or ())
        context = AuthContext(user=user, permissions=permissions, resource=resource, action=action)
        try:
            result = await handler(ctx=context, value=value)
        except Exception as exc:
            raise _as_api_error(exc, default=403) from None
        if result is False:
            raise ApiError(403, f"Forbidden: not allowed to {action} {resource}.")
        return result if isinstance(result, dict) and result else None

    def _handler(self, resource: str, action: str) -> Any:
        if self.auth is None:
            return None
        handlers = self.auth._handlers
        for key in ((resource, action), (resource, "*"), ("*", action)):
            if handlers.get(key):
                return handlers[key][-1]
        return self.auth._global_handlers[-1] if self.auth._global_handlers else None


def matches_filter(metadata: Mapping[str, Any], filters: Mapping[str, Any] | None) -> bool:
    """Return True when ``metadata`` passes ``filters`` (value, ``$eq`` or ``$contains``)."""
    for key, condition in (filters or {}).items():
        have = metadata.get(key)
        if isinstance(condition, Mapping) and condition and set(condition) <= {"$eq", "$contains"}:
            if "$eq" in condition and (key not in metadata or have != condition["$eq"]):
                return False
            if "$contains" in condition:
                wanted = condition["$contains"]
                items = wanted if isinstance(wanted, list) else [wanted]
                if not isinstance(have, list) or any(w not in have for w in items):
                    return False
        elif key not in metadata or have != condition:
            return False
    return True


def _auth_argument(request: Request, name: str) -> Any:
    if name == "request":
        return request
    if name == "path":
        return request.url.path
    if name == "method":
        return request.method
    if name == "path_params":
        return dict(request.path_params)
    if name == "query_params":
        return dict(request.query_params)
    if name == "headers":
        return {k: v for k, v in request.headers.raw}
    return request.headers.get("authorization")


def _as_api_error(exc: Exception, default: int = 401) -> Exception:
    status = getattr(exc, "status_code", None)
    detail = getattr(exc, "detail", None)
    if isinstance(status, int) and isinstance(detail, str):  # Auth.exceptions.HTTPException
        return AuthError(status, detail, getattr(exc, "headers", None))
    if isinstance(exc, AssertionError):  # handlers may `assert` what they require
        return ApiError(default, f"Forbidden: {exc}" if default == 403 else f"Unauthorized: {exc}")
    return exc


def to_user(result: Any) -> Any:
    """A ``User`` from what an authenticate handler returned (or a stored caller mapping)."""
    if isinstance(result, str):
        return User(identity=result)
    if isinstance(result, Mapping) and isinstance(result.get("identity"), str):
        known = ("identity", "permissions", "display_name", "is_authenticated")
        return User(
            identity=result["identity"],
            permissions=tuple(result.get("permissions") or ()),
            display_name=str(result.get("display_name") or result["identity"]),
            is_authenticated=bool(result.get("is_authenticated", True)),
            extra=tuple((k, v) for k, v in result.items() if k not in known),
        )
    if isinstance(getattr(result, "identity", None), str):
        return result
    raise ApiError(
        500,
        f"The authenticate handler returned {type(result).__name__}; return a user id string, "
        "a dict with 'identity', or an object with an 'identity' attribute.",
    )


def load_auth_policy(raw: Mapping[str, Any], base: Path, path: Path | None) -> AuthPolicy:
    """Build the policy from the ``auth`` key of the raw config (file at ``path``, if any)."""
    section = raw.get("auth") or {}
    if not isinstance(section, Mapping):
        raise ConfigError('Config key \'auth\' must be an object, e.g. {"path": "./auth.py:auth"}.')
    if section.get("path"):
        return AuthPolicy(_load_attribute("auth.path", section["path"], base, path))
    keys = section.get("api_keys")
    if keys is None:
        keys = [k for k in os.environ.get("STATEGRAPH_API_KEYS", "").split(",") if k.strip()]
    if not isinstance(keys, list) or not all(isinstance(k, str) and k for k in keys):
        raise ConfigError("Config key 'auth.api_keys' must be a list of non-empty strings.")
    return AuthPolicy(api_keys=frozenset(k.strip() for k in keys))
