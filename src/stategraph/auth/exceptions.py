"""The exception an auth handler raises to answer a request with an HTTP error."""

from __future__ import annotations

import http
from collections.abc import Mapping

__all__ = ["HTTPException"]


class HTTPException(Exception):
    """Answer the request with ``status_code`` and ``{"detail": detail}`` (default 401)."""

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
