"""Store TTL from langgraph.json (``store.ttl``), through the SDK, in both server modes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from langgraph_sdk import get_client
from langgraph_sdk.errors import NotFoundError

from .conftest import serve_in_mode, write_config

pytestmark = pytest.mark.anyio


class FakeTime:
    """Seconds since the epoch, moved by hand (the stores decide expiry on their ``_clock``)."""

    def __init__(self) -> None:
        self.now = 2_000_000_000.0

    def __call__(self) -> float:
        return self.now


def ttl_config(directory: Path, **ttl: Any) -> Path:
    path = write_config(directory)
    path.write_text(json.dumps({**json.loads(path.read_text()), "store": {"ttl": ttl}}))
    return path


@pytest.mark.parametrize("refresh_on_read", [True, False])
async def test_default_ttl_and_refresh_on_read_come_from_the_config(
    tmp_path: Path, server_mode: str, refresh_on_read: bool
) -> None:
    clock = FakeTime()
    config = ttl_config(tmp_path, default_ttl=1, refresh_on_read=refresh_on_read)
    with serve_in_mode(config, server_mode, lambda app: _use_clock(app, clock)) as (url, _):
        client = get_client(url=url)
        await client.store.put_item(["notes"], "read", {"n": 1})
        await client.store.put_item(["notes"], "unread", {"n": 2})
        await client.store.put_item(["notes"], "own_ttl", {"n": 3}, ttl=5)  # beats the default
        clock.now += 40
        assert (await client.store.get_item(["notes"], "read"))["value"] == {"n": 1}
        clock.now += 40  # 80 s after the puts: past the 1-minute default
        with pytest.raises(NotFoundError):
            await client.store.get_item(["notes"], "unread")
        found = await client.store.search_items(["notes"])
        expected = {"own_ttl", "read"} if refresh_on_read else {"own_ttl"}
        assert {item["key"] for item in found["items"]} == expected
        # an explicit refresh_ttl=False on the request wins over the config
        clock.now += 50
        if refresh_on_read:
            await client.store.get_item(["notes"], "read", refresh_ttl=False)
            clock.now += 30
            with pytest.raises(NotFoundError):
                await client.store.get_item(["notes"], "read")


async def test_sweep_interval_starts_the_stores_sweeper(tmp_path: Path, server_mode: str) -> None:
    config = ttl_config(tmp_path, default_ttl=1, sweep_interval_minutes=1)
    with serve_in_mode(config, server_mode) as (url, app):
        clock = FakeTime()
        _use_clock(app, clock)
        client = get_client(url=url)
        await client.store.put_item(["notes"], "old", {"n": 1})
        store = app.state.server.store
        assert store._sweeper is not None and store._sweeper[1].is_alive()
        clock.now += 120
        assert store.sweep_ttl() == 1  # what the sweeper thread does every minute
    assert store._sweeper is None  # stopped with the server


async def test_no_sweeper_without_an_interval(tmp_path: Path, server_mode: str) -> None:
    with serve_in_mode(ttl_config(tmp_path, default_ttl=1), server_mode) as (_, app):
        assert app.state.server.store._sweeper is None
        assert app.state.server.store.ttl_config == {"default_ttl": 1}


def _use_clock(app: Any, clock: FakeTime) -> None:
    app.state.server.store._clock = clock
