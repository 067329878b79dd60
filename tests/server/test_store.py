"""Store routes through the SDK, sharing the store the served graphs write."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from langgraph_sdk import get_client
from langgraph_sdk.errors import NotFoundError, UnprocessableEntityError

from stategraph.server import create_app

from .conftest import serve

pytestmark = pytest.mark.anyio


async def test_put_get_search_delete(server_url: str) -> None:
    client = get_client(url=server_url)
    await client.store.put_item(["prefs", "ada"], "color", {"value": "teal", "n": 1})
    await client.store.put_item(["prefs", "ada"], "food", {"value": "ramen", "n": 2})
    await client.store.put_item(["prefs", "bob"], "color", {"value": "red", "n": 1})
    item = await client.store.get_item(["prefs", "ada"], "color")
    assert (item["namespace"], item["key"], item["value"]) == (
        ["prefs", "ada"],
        "color",
        {"value": "teal", "n": 1},
    )
    assert item["created_at"] and item["updated_at"]
    found = await client.store.search_items(["prefs"], filter={"n": 1})
    assert sorted(i["value"]["value"] for i in found["items"]) == ["red", "teal"]
    assert len((await client.store.search_items(["prefs"], limit=1))["items"]) == 1
    spaces = await client.store.list_namespaces(prefix=["prefs"])
    assert spaces["namespaces"] == [["prefs", "ada"], ["prefs", "bob"]]
    assert (await client.store.list_namespaces(max_depth=1))["namespaces"] == [["prefs"]]
    await client.store.delete_item(["prefs", "ada"], "color")
    with pytest.raises(NotFoundError, match="No item 'color'"):
        await client.store.get_item(["prefs", "ada"], "color")


async def test_graph_writes_are_visible(server_url: str) -> None:
    client = get_client(url=server_url)
    await client.runs.wait(None, "memo", input={"items": ["x"]})
    item = await client.store.get_item(["memos", "user-1"], "last")
    assert item["value"] == {"items": ["x"]}


async def test_bad_store_requests_are_422(server_url: str) -> None:
    async with httpx.AsyncClient(base_url=server_url) as http:
        response = await http.put("/store/items", json={"namespace": [1], "key": "k", "value": {}})
        assert "'namespace' must be a list of strings" in response.json()["detail"]
        response = await http.put("/store/items", json={"namespace": ["a"], "key": "k"})
        assert response.status_code == 422 and "'value'" in response.json()["detail"]
        response = await http.get("/store/items", params={"namespace": "a"})
        assert response.status_code == 422
        response = await http.put(
            "/store/items", json={"namespace": ["langgraph"], "key": "k", "value": {}}
        )
    assert response.status_code == 422, response.text
    with pytest.raises(UnprocessableEntityError, match="'limit' must be >= 0"):
        await get_client(url=server_url).store.search_items(["a"], limit=-1)
    with pytest.raises(UnprocessableEntityError, match="E403"):  # a filter the store refuses
        await get_client(url=server_url).store.search_items(["a"], filter={"x": {"$regex": "."}})


async def test_store_index_from_config_ranks_by_meaning(tmp_path) -> None:
    (tmp_path / "embed.py").write_text(
        "from stategraph.testing import fake_embed\n\n"
        "def embed(texts):\n    return fake_embed(texts, 32)\n"
    )
    config = {
        "graphs": {"memo": f"{Path(__file__).with_name('example_graphs.py')}:memo"},
        "store": {"index": {"dims": 32, "embed": "./embed.py:embed", "fields": ["text"]}},
    }
    (tmp_path / "langgraph.json").write_text(json.dumps(config))
    with serve(create_app(tmp_path / "langgraph.json")) as url:
        client = get_client(url=url)
        await client.store.put_item(["facts"], "a", {"text": "I play the cello on weekends"})
        await client.store.put_item(["facts"], "b", {"text": "I live in Lisbon near the sea"})
        found = (await client.store.search_items(["facts"], query="cello weekends"))["items"]
    assert [i["key"] for i in found] == ["a", "b"]
    assert found[0]["score"] > found[1]["score"]
