"""The exception an auth handler raises to answer a request with an HTTP error."""

from __future__ import annotations

import http
from collections.abc import Mapping

__all__ = ["HTTPException"]


class HTTPException(Exception):
    """Answer the request with ``status_code`` and ``{"detail": detail}`` (default 401).

    Examples:
        >>> import asyncio
        >>> from stategraph.auth import Auth
        >>> from stategraph.auth.exceptions import HTTPException
        >>> auth = Auth()
        >>> @auth.authenticate
        ... async def authenticate(authorization):
        ...     if authorization is None:
        ...         raise HTTPException(401, "Send a bearer token.", {"WWW-Authenticate": "Bearer"})
        ...     return authorization.removeprefix("Bearer ")
        >>> try:
        ...     asyncio.run(authenticate(None))
        ... except HTTPException as e:
        ...     print(e.status_code, e.detail, e.headers)
        401 Send a bearer token. {'WWW-Authenticate': 'Bearer'}
        >>> HTTPException(403).detail  # the status phrase when no detail is given
        'Forbidden'
    """

    def __init__(
        self,
        status_code: int = 401,
        detail: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status_code = status_code
        self.detail = detail if detail is not None else http.HTTPStatus(status_code).phrase
        self.headers = dict(headers or {})
        super().__init__(f"{status_code}: {self.detail}")
