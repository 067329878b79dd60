"""Webhooks: a run's final row is POSTed to its URL, retried with backoff, never blocking it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_client
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from stategraph.server import _webhooks

from .conftest import free_port, serve

pytestmark = pytest.mark.anyio


@dataclass
class Receiver:
    """A loopback HTTP endpoint that records POSTed JSON; the first ``fail`` answers are 503."""

    fail: int = 0
    bodies: list[Any] = field(default_factory=list)
    attempts: int = 0
    url: str = ""

    async def endpoint(self, request: Request) -> Response:
        self.attempts += 1
        if self.attempts <= self.fail:
            return Response(status_code=503)
        self.bodies.append(await request.json())
        return Response(status_code=204)

    async def wait_bodies(self, count: int) -> list[Any]:
        deadline = time.monotonic() + 20
        while len(self.bodies) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        assert len(self.bodies) >= count, f"received {self.bodies} after {self.attempts} tries"
        return self.bodies


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    recv = Receiver()
    app = Starlette(routes=[Route("/hook", recv.endpoint, methods=["POST"])])
    with serve(app) as url:
        recv.url = f"{url}/hook"
        yield recv


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_webhooks.sender, "base_delay", 0.05)
    monkeypatch.setattr(_webhooks.sender, "timeout", 2.0)


async def test_the_final_run_row_is_posted(server_url: str, receiver: Receiver) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "agent", input={"items": []}, webhook=receiver.url)
    (body,) = await receiver.wait_bodies(1)
    (run,) = await client.runs.list(tid)
    assert body["run_id"] == run["run_id"] and body["thread_id"] == tid
    assert body["status"] == "success" and body["kwargs"]["webhook"] == receiver.url


async def test_a_failed_run_and_a_stateless_run_are_reported(
    server_url: str, receiver: Receiver
) -> None:
    client = get_client(url=server_url)
    await client.runs.wait(
        None, "failing", input={"items": []}, webhook=receiver.url, raise_error=False
    )
    await client.runs.wait(None, "agent", input={"items": []}, webhook=receiver.url)
    bodies = await receiver.wait_bodies(2)
    assert sorted(b["status"] for b in bodies) == ["error", "success"]
    (failed,) = [b for b in bodies if b["status"] == "error"]
    assert failed["error"]["error"]


async def test_failed_deliveries_are_retried(server_url: str, receiver: Receiver) -> None:
    receiver.fail = 2
    client = get_client(url=server_url)
    await client.runs.wait(None, "agent", input={"items": []}, webhook=receiver.url)
    (body,) = await receiver.wait_bodies(1)
    assert receiver.attempts == 3 and body["status"] == "success"


async def test_an_unreachable_webhook_never_blocks_the_run(server_url: str) -> None:
    dead = f"http://127.0.0.1:{free_port()}/hook"  # nothing listens there
    client = get_client(url=server_url)
    started = time.monotonic()
    result = await client.runs.wait(None, "agent", input={"items": []}, webhook=dead)
    assert result["items"] == ["first", "second"]
    assert time.monotonic() - started < 5  # four attempts with backoff would take longer


@pytest.mark.parametrize("url", ["ftp://host/x", "/relative", "http://", "javascript:alert(1)"])
async def test_only_absolute_http_urls(server_url: str, url: str) -> None:
    client = get_client(url=server_url)
    with pytest.raises(httpx.HTTPStatusError) as exc:
        await client.runs.create(None, "agent", input={}, webhook=url)
    assert exc.value.response.status_code == 422
    assert "'webhook'" in exc.value.response.json()["detail"]
    assert await client.threads.count() == 0


async def test_sender_gives_up_after_its_attempts(receiver: Receiver) -> None:
    receiver.fail = 10
    sender = _webhooks.WebhookSender(attempts=3, base_delay=0.01, timeout=2.0)
    sender.send(receiver.url, {"run_id": "r"})
    await sender.wait_idle()
    assert receiver.attempts == 3 and receiver.bodies == []


async def test_a_cron_run_with_a_webhook_reports(tmp_path: Any, receiver: Receiver) -> None:
    from datetime import timedelta

    from stategraph.server import create_app

    from .conftest import write_config

    app = create_app(write_config(tmp_path), database=str(tmp_path / "s.db"))
    crons = app.state.crons
    crons.poll_seconds = 0.05
    with serve(app) as url:
        client = get_client(url=url)
        await client.crons.create("agent", schedule="* * * * *", input={"items": []},
                                  webhook=receiver.url)  # fmt: skip
        base = crons.clock()
        crons.clock = lambda: base + timedelta(minutes=1)
        (body,) = await receiver.wait_bodies(1)
    assert body["status"] == "success" and body["metadata"]["cron_id"]


async def test_shutdown_cancels_deliveries_after_a_grace(receiver: Receiver) -> None:
    receiver.fail = 100
    sender = _webhooks.WebhookSender(attempts=100, base_delay=0.01, timeout=2.0)
    sender.send(receiver.url, {"run_id": "r"})
    started = time.monotonic()
    await sender.aclose(grace=0.2)
    assert time.monotonic() - started < 3 and not sender._tasks
    assert 0 < receiver.attempts < 100
