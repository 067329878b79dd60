"""Bad input answers JSON errors with the SDK's status codes, and nothing is written."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from langgraph_sdk import get_client

from stategraph.server import create_app

from .conftest import GRAPHS_FILE, serve

pytestmark = pytest.mark.anyio

LIMIT = 2000


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    config = {
        "graphs": {"agent": f"{GRAPHS_FILE}:agent"},
        "http": {"max_body_bytes": LIMIT},
    }
    with serve(create_app(config, database=str(tmp_path / "s.db"))) as base:
        yield base


async def _nothing_written(base: str) -> None:
    client = get_client(url=base)
    assert await client.threads.count() == 0
    assert (await client.store.search_items([]))["items"] == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/threads"),
        ("POST", "/threads/t1/runs"),
        ("POST", "/runs/wait"),
        ("POST", "/runs/batch"),
        ("PUT", "/store/items"),
        ("POST", "/assistants"),
    ],
)
async def test_malformed_json_is_422(url: str, method: str, path: str) -> None:
    async with httpx.AsyncClient(base_url=url) as http:
        response = await http.request(method, path, content=b'{"metadata": {', headers={})
    assert response.status_code == 422
    assert "not valid JSON" in response.json()["detail"]
    await _nothing_written(url)


@pytest.mark.parametrize(
    ("path", "body", "named"),
    [
        ("/threads", {"metadata": "owner=me"}, "metadata"),
        ("/threads", [1, 2], "JSON object"),
        ("/threads/search", {"limit": "ten"}, "limit"),
        ("/runs/wait", {"assistant_id": "agent", "config": {"tags": "x"}}, "config.tags"),
        ("/runs/wait", {"assistant_id": 7}, "assistant_id"),
        ("/runs/wait", {"assistant_id": "agent", "stream_mode": ["bogus"]}, "stream_mode"),
    ],
)
async def test_wrong_types_are_422_naming_the_key(
    url: str, path: str, body: object, named: str
) -> None:
    async with httpx.AsyncClient(base_url=url) as http:
        response = await http.post(path, json=body)
    assert response.status_code == 422
    assert named in response.json()["detail"]
    await _nothing_written(url)


async def test_wrong_store_value_type_through_the_sdk(url: str) -> None:
    with pytest.raises(httpx.HTTPStatusError) as exc:
        await get_client(url=url).store.put_item(["a"], "k", "not an object")  # type: ignore[arg-type]
    assert exc.value.response.status_code == 422
    await _nothing_written(url)


async def test_unknown_assistant_is_404_and_creates_no_thread(url: str) -> None:
    client = get_client(url=url)
    with pytest.raises(httpx.HTTPStatusError) as exc:
        await client.runs.wait("t-new", "no-such-graph", input={}, if_not_exists="create")
    assert exc.value.response.status_code == 404
    with pytest.raises(httpx.HTTPStatusError) as exc:
        await client.runs.create(None, "no-such-graph", input={})
    assert exc.value.response.status_code == 404
    await _nothing_written(url)


async def test_oversized_declared_body_is_413(url: str) -> None:
    client = get_client(url=url)
    with pytest.raises(httpx.HTTPStatusError) as exc:
        await client.threads.create(metadata={"blob": "x" * LIMIT})
    assert exc.value.response.status_code == 413
    assert "max_body_bytes" in exc.value.response.json()["detail"]
    await _nothing_written(url)
    assert (await client.threads.create(metadata={"blob": "x" * 100}))["metadata"]


async def test_oversized_streamed_body_is_413(url: str) -> None:
    async def chunks() -> AsyncIterator[bytes]:  # chunked: no content-length to check
        yield b'{"namespace": ["a"], "key": "k", "value": {"v": "'
        for _ in range(10):
            yield b"y" * 500
        yield b'"}}'

    async with httpx.AsyncClient(base_url=url) as http:
        response = await http.put("/store/items", content=chunks())
    assert response.status_code == 413
    await _nothing_written(url)


async def test_unknown_thread_is_404_and_duplicate_is_409(url: str) -> None:
    client = get_client(url=url)
    with pytest.raises(httpx.HTTPStatusError) as exc:
        await client.runs.create("missing", "agent", input={})
    assert exc.value.response.status_code == 404
    await client.threads.create(thread_id="t1")
    with pytest.raises(httpx.HTTPStatusError) as exc:
        await client.threads.create(thread_id="t1")
    assert exc.value.response.status_code == 409
    assert json.loads(exc.value.response.text)["detail"].startswith("Thread 't1' already exists")


def test_body_limit_config_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    from stategraph.server import ConfigError
    from stategraph.server._guards import DEFAULT_MAX_BODY_BYTES, max_body_bytes

    monkeypatch.delenv("STATEGRAPH_MAX_BODY_BYTES", raising=False)
    assert max_body_bytes({}) == DEFAULT_MAX_BODY_BYTES
    monkeypatch.setenv("STATEGRAPH_MAX_BODY_BYTES", "123")
    assert max_body_bytes({}) == 123
    assert max_body_bytes({"http": {"max_body_bytes": 9}}) == 9
    with pytest.raises(ConfigError, match="http.max_body_bytes"):
        max_body_bytes({"http": {"max_body_bytes": "9"}})
    monkeypatch.setenv("STATEGRAPH_MAX_BODY_BYTES", "lots")
    with pytest.raises(ConfigError, match="STATEGRAPH_MAX_BODY_BYTES"):
        max_body_bytes({})
