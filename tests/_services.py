"""Where the real PostgreSQL and Redis servers are, for the suites that need them.

``postgres_dsn()`` / ``redis_url()`` return the URL when the server answers.  When it
does not, they skip the test, or fail it if ``STATEGRAPH_REQUIRE_SERVICES=1`` (CI),
so a dead service can never turn a suite green by skipping it.  Override the URLs
with ``STATEGRAPH_POSTGRES_DSN`` / ``STATEGRAPH_REDIS_URL``.
"""

from __future__ import annotations

import functools
import os
import socket
from urllib.parse import urlsplit

import pytest

__all__ = ["postgres_dsn", "redis_url", "services_required"]

DEFAULT_POSTGRES_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def services_required() -> bool:
    """True when an unreachable service must fail the test instead of skipping it."""
    return os.environ.get("STATEGRAPH_REQUIRE_SERVICES", "") == "1"


@functools.cache
def _reachable(url: str, default_port: int) -> str | None:
    """Return None if a TCP connection to ``url``'s host opens, else the reason."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or default_port
    try:
        with socket.create_connection((host, port), timeout=2):
            return None
    except OSError as exc:
        return f"{host}:{port} unreachable ({exc})"


def _require(name: str, url: str, default_port: int) -> str:
    problem = _reachable(url, default_port)
    if problem is None:
        return url
    message = f"{name} at {url}: {problem}"
    if services_required():
        pytest.fail(f"{message}; STATEGRAPH_REQUIRE_SERVICES=1 requires it", pytrace=False)
    pytest.skip(message)


def postgres_dsn() -> str:
    """The PostgreSQL URL to test against, or skip/fail the calling test."""
    return _require(
        "PostgreSQL", os.environ.get("STATEGRAPH_POSTGRES_DSN", DEFAULT_POSTGRES_DSN), 5432
    )


def redis_url() -> str:
    """The Redis URL to test against, or skip/fail the calling test."""
    return _require("Redis", os.environ.get("STATEGRAPH_REDIS_URL", DEFAULT_REDIS_URL), 6379)
