"""Thread copy and prune through the SDK."""

from __future__ import annotations

import httpx
import pytest
from langgraph_sdk import get_client

pytestmark = pytest.mark.anyio


async def test_copy_keeps_history_and_diverges(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create(metadata={"m": 1}))["thread_id"]
    await client.runs.wait(tid, "asker", input={"items": []})
    async with httpx.AsyncClient(base_url=server_url) as http:
        response = await http.post(f"/threads/{tid}/copy")
        assert (await http.post("/threads/nope/copy")).status_code == 404
    copy = response.json()
    assert copy["thread_id"] != tid and copy["status"] == "interrupted"
    assert copy["metadata"]["m"] == 1
    assert len(await client.threads.get_history(copy["thread_id"])) == len(
        await client.threads.get_history(tid)
    )
    done = await client.runs.wait(copy["thread_id"], "asker", command={"resume": "cy"})
    assert done["answer"] == "cy"
    assert (await client.threads.get(tid))["status"] == "interrupted"


async def test_prune_keep_latest_and_delete(server_url: str) -> None:
    client = get_client(url=server_url)
    a = (await client.threads.create())["thread_id"]
    b = (await client.threads.create())["thread_id"]
    await client.runs.wait(a, "agent", input={"items": []})
    assert len(await client.threads.get_history(a)) > 1
    kept = await client.threads.prune([a, "missing"], strategy="keep_latest")
    assert kept == {"pruned_count": 1}
    history = await client.threads.get_history(a)
    assert len(history) == 1 and history[0]["values"]["items"] == ["first", "second"]
    assert await client.threads.prune([a, b]) == {"pruned_count": 2}
    assert await client.threads.search() == []
    async with httpx.AsyncClient(base_url=server_url) as http:
        response = await http.post("/threads/prune", json={"thread_ids": [], "strategy": "delete"})
    assert response.status_code == 422
