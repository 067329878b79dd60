"""Thread TTL through the SDK, in both server modes: expiry, keep_latest, busy threads, config."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_client

from .conftest import serve_in_mode, write_config

pytestmark = pytest.mark.anyio

SWEEP_MINUTES = 0.002  # a sweep every 0.12 s
SHORT = 0.01  # minutes: 0.6 s


def _config(tmp_path: Path, **ttl: Any) -> Path:
    path = write_config(tmp_path)
    config = json.loads(path.read_text())
    config["checkpointer"] = {"ttl": {"sweep_interval_minutes": SWEEP_MINUTES, **ttl}}
    path.write_text(json.dumps(config))
    return path


@pytest.fixture
def ttl_url(tmp_path: Path, server_mode: str) -> Iterator[str]:
    """A server sweeping expired threads every 0.12 s (no default TTL)."""
    with serve_in_mode(_config(tmp_path), server_mode) as (url, _):
        yield url


async def _gone(client: Any, thread_id: str, within: float = 15.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            await client.threads.get(thread_id)
        except httpx.HTTPStatusError as exc:
            return exc.response.status_code == 404
        await asyncio.sleep(0.1)
    return False


async def test_expired_thread_is_deleted_with_runs_and_checkpoints(ttl_url: str) -> None:
    client = get_client(url=ttl_url)
    thread = await client.threads.create(ttl={"ttl": SHORT, "strategy": "delete"})
    tid = thread["thread_id"]
    assert thread["ttl"]["strategy"] == "delete" and thread["ttl"]["ttl_minutes"] == SHORT
    assert thread["ttl"]["expires_at"] > thread["updated_at"]
    kept = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "agent", input={"items": []})
    assert await _gone(client, tid)
    async with httpx.AsyncClient(base_url=ttl_url) as http:
        # a new thread under the same id starts empty: the checkpoints went with the row
        await client.threads.create(thread_id=tid, graph_id="agent")
        assert (await http.post(f"/threads/{tid}/history", json={})).json() == []
        assert (await http.get(f"/threads/{tid}/runs")).json() == []
    got = await client.threads.get(kept, include=["ttl"])
    assert got["ttl"] is None  # no TTL: never swept


async def test_keep_latest_prunes_history_and_keeps_thread(ttl_url: str) -> None:
    client = get_client(url=ttl_url)
    tid = (await client.threads.create(ttl={"ttl": SHORT, "strategy": "keep_latest"}))["thread_id"]
    await client.runs.wait(tid, "agent", input={"items": []})
    assert len(await client.threads.get_history(tid)) > 1
    deadline = time.monotonic() + 15
    while len(await client.threads.get_history(tid)) > 1 and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    history = await client.threads.get_history(tid)
    assert len(history) == 1 and history[0]["values"]["items"] == ["first", "second"]
    thread = await client.threads.get(tid, include=["ttl"])
    assert thread["ttl"]["strategy"] == "keep_latest" and thread["status"] == "idle"
    # the thread goes on from its latest checkpoint
    done = await client.runs.wait(tid, "agent", input={"items": ["again"]})
    assert done["items"] == ["first", "second", "again", "first", "second"]


async def test_busy_thread_is_not_swept_until_its_run_ends(ttl_url: str) -> None:
    client = get_client(url=ttl_url)
    tid = (await client.threads.create(ttl=0.005))["thread_id"]  # 0.3 s
    run = await client.runs.create(tid, "slowpoke", input={"items": []})
    await asyncio.sleep(0.8)  # the TTL passed while the 1 s node runs
    assert (await client.threads.get(tid))["status"] == "busy"
    await client.runs.join(tid, run["run_id"])
    assert await _gone(client, tid)


async def test_patch_sets_ttl_and_activity_restarts_it(ttl_url: str) -> None:
    client = get_client(url=ttl_url)
    tid = (await client.threads.create())["thread_id"]
    await asyncio.sleep(0.5)
    assert (await client.threads.get(tid))["thread_id"] == tid  # no TTL yet
    updated = await client.threads.update(tid, metadata={"a": 1}, ttl=0.02)  # 1.2 s
    assert updated["ttl"]["ttl_minutes"] == 0.02 and updated["metadata"] == {"a": 1}
    for _ in range(3):  # each update restarts the clock, so it outlives its TTL in total
        await asyncio.sleep(0.6)
        await client.threads.update(tid, metadata={"a": 2})
    assert (await client.threads.get(tid))["metadata"] == {"a": 2}
    assert await _gone(client, tid)


async def test_bad_ttl_is_422_naming_the_key(ttl_url: str) -> None:
    client = get_client(url=ttl_url)
    bad = [
        ({"ttl": -1}, "'ttl.ttl'"),
        ({"ttl": 5, "strategy": "archive"}, "'ttl.strategy'"),
        ({"ttl": 5, "when": "later"}, "unknown key"),
        ({"strategy": "delete"}, "'ttl.ttl'"),
    ]
    for ttl, message in bad:
        with pytest.raises(httpx.HTTPStatusError) as exc:
            await client.threads.create(ttl=ttl)
        assert exc.value.response.status_code == 422 and message in exc.value.response.text
    assert await client.threads.count() == 0  # nothing created
    tid = (await client.threads.create())["thread_id"]
    with pytest.raises(httpx.HTTPStatusError) as exc:
        await client.threads.update(tid, metadata={}, ttl="soon")  # type: ignore[arg-type]
    assert exc.value.response.status_code == 422 and "'ttl'" in exc.value.response.text
    async with httpx.AsyncClient(base_url=ttl_url) as http:
        response = await http.get(f"/threads/{tid}", params={"include": "secrets"})
    assert response.status_code == 422 and "'include'" in response.text


async def test_config_default_ttl_applies_to_new_threads(tmp_path: Path, server_mode: str) -> None:
    config = _config(tmp_path, default_ttl=SHORT, strategy="delete")
    with serve_in_mode(config, server_mode) as (url, _):
        client = get_client(url=url)
        short = await client.threads.create()
        assert short["ttl"]["ttl_minutes"] == SHORT
        long = (await client.threads.create(ttl=60))["thread_id"]
        # a stateless-style run creates its thread with the default too
        await client.runs.wait(None, "agent", input={"items": []}, on_completion="keep")
        assert await _gone(client, short["thread_id"])
        assert (await client.threads.get(long, include=["ttl"]))["ttl"]["ttl_minutes"] == 60
        deadline = time.monotonic() + 15
        while await client.threads.count() > 1 and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert await client.threads.count() == 1  # only the 60-minute thread is left
