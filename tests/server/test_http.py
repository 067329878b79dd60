"""Error answers: ``{"detail": ...}`` with 404, 409 and 422, naming what is wrong."""

from __future__ import annotations

import uuid

import httpx
import pytest
from langgraph_sdk import get_client
from langgraph_sdk.errors import ConflictError, NotFoundError, UnprocessableEntityError

from stategraph.server._http import to_jsonable
from stategraph.types import Interrupt

pytestmark = pytest.mark.anyio


async def test_unknown_assistant_and_thread_are_404(server_url: str) -> None:
    client = get_client(url=server_url)
    with pytest.raises(NotFoundError, match="Assistant 'nope' not found"):
        await client.assistants.get("nope")
    missing = str(uuid.uuid4())
    with pytest.raises(NotFoundError, match=f"Thread '{missing}' not found"):
        await client.threads.get(missing)
    with pytest.raises(NotFoundError):
        await client.threads.get_state(missing)
    with pytest.raises(NotFoundError):
        await client.threads.delete(missing)
    async with httpx.AsyncClient(base_url=server_url) as http:
        response = await http.post(
            f"/threads/{missing}/runs/wait", json={"assistant_id": "agent", "input": {}}
        )
        assert response.status_code == 404
        assert "if_not_exists='create'" in response.json()["detail"]
        thread = (await http.post("/threads", json={})).json()
        response = await http.post(
            f"/threads/{thread['thread_id']}/runs/wait", json={"assistant_id": "nope"}
        )
        assert response.status_code == 404
        assert (await http.get(f"/threads/{thread['thread_id']}/runs/{missing}")).status_code == 404


async def test_if_not_exists_create_makes_the_thread(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = str(uuid.uuid4())
    result = await client.runs.wait(tid, "agent", input={"items": []}, if_not_exists="create")
    assert result == {"items": ["first", "second"]}
    assert (await client.threads.get(tid))["metadata"]["graph_id"] == "agent"


async def test_duplicate_thread_is_409(server_url: str) -> None:
    client = get_client(url=server_url)
    thread = await client.threads.create()
    with pytest.raises(ConflictError, match="already exists"):
        await client.threads.create(thread_id=thread["thread_id"], if_exists="raise")


@pytest.mark.parametrize(
    ("path", "body", "names"),
    [
        ("/threads", b"{not json", "not valid JSON"),
        ("/threads", b"[1, 2]", "must be a JSON object"),
        ("/threads", b'{"metadata": [1]}', "'metadata' must be an object"),
        ("/threads/search", b'{"limit": "ten"}', "'limit' must be an integer"),
        ("/threads/search", b'{"status": "sleeping"}', "'status' must be one of"),
        ("/assistants/search", b'{"offset": true}', "'offset' must be an integer"),
        ("/runs/wait", b'{"input": {}}', "'assistant_id' is required"),
        ("/runs/wait", b'{"assistant_id": "agent", "stream_mode": "nope"}', "'stream_mode'"),
        ("/runs/wait", b'{"assistant_id": "agent", "input": {}, "command": {}}', "exclusive"),
        ("/runs/wait", b'{"assistant_id": "agent", "command": {"go": 1}}', "'command'"),
        ("/runs/wait", b'{"assistant_id": "agent", "interrupt_before": "x"}', "interrupt_before"),
        ("/runs/stream", b'{"assistant_id": "agent", "config": "x"}', "'config' must be"),
        (
            "/runs/wait",
            b'{"assistant_id": "agent", "config": {"configurable": 1}}',
            "'config.configurable' must be an object",
        ),
        ("/threads/search", b'{"limit": -1}', "'limit' must be >= 0"),
        ("/runs/wait", b'{"assistant_id": "agent", "webhook": "ftp://x"}', "'webhook' must be"),
        ("/runs/stream", b'{"assistant_id": "agent", "stream_resumable": 1}', "'stream_resumable'"),
        ("/runs/wait", b'{"assistant_id": "agent", "durability": "never"}', "'durability'"),
        ("/threads/{tid}/history", b'{"limit": 2.5}', "'limit' must be an integer"),
    ],
)
async def test_bad_bodies_are_422(server_url: str, path: str, body: bytes, names: str) -> None:
    async with httpx.AsyncClient(base_url=server_url) as http:
        thread = (await http.post("/threads", json={})).json()
        response = await http.post(path.format(tid=thread["thread_id"]), content=body)
    assert response.status_code == 422
    assert names in response.json()["detail"]


async def test_sdk_maps_422(server_url: str) -> None:
    client = get_client(url=server_url)
    with pytest.raises(UnprocessableEntityError, match="sort_by"):
        await client.threads.search(sort_by="colour")  # type: ignore[arg-type]


async def test_body_thread_id_is_ignored(server_url: str) -> None:
    client = get_client(url=server_url)
    mine = await client.threads.create()
    other = await client.threads.create()
    await client.runs.wait(
        mine["thread_id"],
        "agent",
        input={"items": []},
        config={
            "configurable": {
                "thread_id": other["thread_id"],
                "__pregel_store": "x",
                "checkpoint_ns": "elsewhere",
            }
        },
    )
    assert (await client.threads.get_state(other["thread_id"]))["values"] == {}
    assert (await client.threads.get_state(mine["thread_id"]))["values"]["items"] == [
        "first",
        "second",
    ]


def test_to_jsonable_handles_graph_values() -> None:
    value = {"i": Interrupt(value={"q": 1}, id="abc"), "t": ("a", 1), "s": {2}}
    assert to_jsonable(value) == {"i": {"value": {"q": 1}, "id": "abc"}, "t": ["a", 1], "s": [2]}
