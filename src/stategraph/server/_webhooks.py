"""Webhooks: when a run with a ``webhook`` URL ends, POST its final run row there.

Delivery runs in its own task, so it never delays the run or its clients; a failed attempt
(connection error, timeout, 429 or 5xx) is retried with exponential backoff, other answers
are final.  Only absolute ``http``/``https`` URLs are accepted (checked when the run is
requested, answering 422).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from ._http import ApiError, to_jsonable

__all__ = ["notify_row_ended", "WebhookSender", "notify_run_ended", "sender", "validate_webhook"]

_log = logging.getLogger("stategraph.server.webhooks")


def validate_webhook(url: Any) -> str | None:
    """Return ``url`` if it is an absolute http(s) URL (None passes), else answer 422."""
    if url is None:
        return None
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ApiError(
            422,
            f"Body key 'webhook' must be an absolute http:// or https:// URL, got {url!r}.",
        )
    return url


@dataclass(slots=True)
class WebhookSender:
    """Delivers run results; ``attempts`` tries, waiting ``base_delay * 2**n`` between them."""

    attempts: int = 4
    base_delay: float = 0.5  # seconds before the first retry
    timeout: float = 10.0  # seconds per attempt
    # deliveries under way, held so they are not garbage-collected before they finish
    _tasks: set[asyncio.Task[None]] = field(default_factory=set, init=False, repr=False)

    def send(self, url: str, payload: Any) -> None:
        """Start delivering ``payload`` to ``url`` in the background."""
        task = asyncio.get_running_loop().create_task(self._deliver(url, payload))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, url: str, payload: Any) -> None:
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            for attempt in range(self.attempts):
                if attempt:
                    await asyncio.sleep(self.base_delay * 2 ** (attempt - 1))
                try:
                    response = await client.post(url, json=payload)
                except httpx.HTTPError as exc:
                    outcome = f"{type(exc).__name__}: {exc}"
                else:
                    if response.status_code < 500 and response.status_code != 429:
                        return
                    outcome = f"HTTP {response.status_code}"
                _log.warning("Webhook %s attempt %d failed: %s", url, attempt + 1, outcome)
        _log.error("Webhook %s gave up after %d attempts", url, self.attempts)

    async def aclose(self, grace: float = 2.0) -> None:
        """Give this loop's deliveries ``grace`` seconds to finish, then cancel the rest."""
        loop = asyncio.get_running_loop()
        mine = [t for t in self._tasks if t.get_loop() is loop]
        if mine:
            _, pending = await asyncio.wait(mine, timeout=grace)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)

    async def wait_idle(self) -> None:
        """Return once every delivery started so far has finished (tests, shutdown)."""
        while self._tasks:
            await asyncio.wait(list(self._tasks))


sender = WebhookSender()


def notify_run_ended(resources: Any, active: Any) -> None:
    """If the run asked for a webhook, send its final run row there (never raises)."""
    notify_row_ended(resources, active.run_id, active.request.kwargs.get("webhook"), active.run)


def notify_row_ended(resources: Any, run_id: str, url: Any, fallback: Any = None) -> None:
    """Send run ``run_id``'s final row to ``url`` if given (both modes; never raises)."""
    if not url:
        return
    try:
        row = resources.get("runs", "run_id", run_id) or fallback
        sender.send(url, to_jsonable(row))
    except Exception:  # why: a webhook must never break the run's own finalization
        _log.exception("Webhook for run %s could not be scheduled", run_id)
