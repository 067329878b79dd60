"""What a scale-out server connects to, and the intervals of its queue (tests shorten them)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..config import ConfigError

__all__ = ["ScaleSettings"]


@dataclass(frozen=True, slots=True)
class ScaleSettings:
    """Postgres + Redis coordinates and queue timings (seconds).

    A worker holds a claimed run under a lease of ``lease_seconds``, extended every
    ``heartbeat_seconds``; every instance runs the reaper every ``reap_seconds``, which puts
    back runs whose lease expired (failing them after ``max_attempts``).  Idle workers poll
    Postgres every ``poll_seconds`` when no Redis wake-up comes.  A run's event stream stays
    ``keep_seconds`` after it ends.  ``jobs``: runs one worker process executes at once.
    A worker told to stop (SIGTERM) lets its runs finish the step they are in, for at most
    ``drain_seconds``, and hands them back at that step boundary; what is still running then
    is cancelled (its step runs again elsewhere).
    """

    postgres_uri: str
    redis_uri: str
    key_prefix: str = "stategraph"
    lease_seconds: float = 30.0
    heartbeat_seconds: float = 10.0
    reap_seconds: float = 15.0
    poll_seconds: float = 1.0
    max_attempts: int = 3
    jobs: int = 10
    keep_seconds: float = 120.0
    drain_seconds: float = 30.0

    @classmethod
    def from_env(
        cls, postgres_uri: str | None = None, redis_uri: str | None = None
    ) -> ScaleSettings | None:
        """Settings from arguments or ``POSTGRES_URI``/``REDIS_URI``; None when neither is set."""
        postgres_uri = postgres_uri or os.environ.get("POSTGRES_URI")
        redis_uri = redis_uri or os.environ.get("REDIS_URI")
        if not postgres_uri and not redis_uri:
            return None
        if not postgres_uri or not redis_uri:
            missing = "--postgres-uri (POSTGRES_URI)" if not postgres_uri else "--redis-uri"
            raise ConfigError(
                f"Scale-out mode needs both PostgreSQL and Redis; {missing} is not set. "
                "Give both, or neither for the embedded SQLite mode."
            )
        return cls(postgres_uri=postgres_uri, redis_uri=redis_uri)
