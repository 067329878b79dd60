"""Run streaming, interrupts and failures through the official ``langgraph_sdk`` client."""

# why: over 400 lines: run routes through the real SDK, one behaviour per test.

from __future__ import annotations

import asyncio

import httpx
import pytest
from langgraph_sdk import get_client
from langgraph_sdk.errors import ConflictError, NotFoundError, UnprocessableEntityError

from stategraph.server._run_request import parse_run_request

pytestmark = pytest.mark.anyio


async def _collect(stream) -> list[tuple[str, object]]:
    """Return the (event, data) pairs between ``metadata`` (kept) and ``end`` (checked, dropped)."""
    parts = [(part.event, part.data) async for part in stream]
    assert parts[-1] == ("end", None)
    return parts[:-1]


async def test_stream_values(server_url: str) -> None:
    client = get_client(url=server_url)
    thread = await client.threads.create()
    parts = await _collect(client.runs.stream(thread["thread_id"], "agent", input={"items": ["x"]}))
    assert parts[0][0] == "metadata" and parts[0][1]["attempt"] == 1
    assert [event for event, _ in parts[1:]] == ["values", "values", "values"]
    assert [data["items"] for _, data in parts[1:]] == [
        ["x"],
        ["x", "first"],
        ["x", "first", "second"],
    ]
    runs = await client.runs.list(thread["thread_id"])
    assert [r["run_id"] for r in runs] == [parts[0][1]["run_id"]]
    assert runs[0]["status"] == "success"


async def test_stream_updates_and_custom(server_url: str) -> None:
    client = get_client(url=server_url)
    parts = await _collect(
        client.runs.stream(None, "agent", input={"items": []}, stream_mode=["updates", "custom"])
    )
    assert parts[1:] == [
        ("custom", {"progress": "first"}),
        ("updates", {"first": {"items": ["first"]}}),
        ("updates", {"second": {"items": ["second"]}}),
    ]


async def test_stream_wire_format(server_url: str) -> None:
    async with httpx.AsyncClient(base_url=server_url) as http:
        thread = (await http.post("/threads", json={})).json()
        path = f"/threads/{thread['thread_id']}/runs/stream"
        response = await http.post(path, json={"assistant_id": "agent", "input": {}})
    assert response.headers["content-type"].startswith("text/event-stream")
    run_id = response.text.split('"run_id": "')[1].split('"')[0]
    assert response.headers["content-location"] == f"{path.removesuffix('/stream')}/{run_id}"
    assert response.text.endswith("event: end\ndata: null\n\n")


async def test_interrupt_then_resume(server_url: str) -> None:
    client = get_client(url=server_url)
    thread = await client.threads.create()
    tid = thread["thread_id"]
    paused = await client.runs.wait(tid, "asker", input={"items": []})
    assert paused["items"] == ["first"]
    assert [i["value"] for i in paused["__interrupt__"]] == [{"question": "name?"}]
    thread = await client.threads.get(tid)
    assert thread["status"] == "interrupted"
    assert [i["value"] for [i] in thread["interrupts"].values()] == [{"question": "name?"}]
    state = await client.threads.get_state(tid)
    assert state["next"] == ["ask"]
    parts = await _collect(
        client.runs.stream(tid, "asker", command={"resume": "ada"}, stream_mode="updates")
    )
    assert parts[-1] == ("updates", {"ask": {"answer": "ada", "items": ["hello ada"]}})
    thread = await client.threads.get(tid)
    assert thread["status"] == "idle" and thread["interrupts"] == {}
    assert thread["values"] == {"items": ["first", "hello ada"], "answer": "ada"}
    statuses = [r["status"] for r in await client.runs.list(tid)]
    assert statuses == ["success", "interrupted"]


async def test_interrupt_before_node(server_url: str) -> None:
    client = get_client(url=server_url)
    thread = await client.threads.create()
    tid = thread["thread_id"]
    result = await client.runs.wait(tid, "agent", input={"items": []}, interrupt_before=["second"])
    assert result == {"items": ["first"]}
    assert (await client.threads.get(tid))["status"] == "interrupted"
    assert (await client.runs.wait(tid, "agent", input=None)) == {"items": ["first", "second"]}
    assert (await client.threads.get(tid))["status"] == "idle"


async def test_command_update_and_goto(server_url: str) -> None:
    client = get_client(url=server_url)
    thread = await client.threads.create()
    await client.runs.wait(thread["thread_id"], "agent", input={"items": []})
    result = await client.runs.wait(
        thread["thread_id"], "agent", command={"update": {"items": ["u"]}, "goto": "second"}
    )
    assert result == {"items": ["first", "second", "u", "second"]}


async def test_failing_run_reports_error(server_url: str) -> None:
    client = get_client(url=server_url)
    thread = await client.threads.create()
    tid = thread["thread_id"]
    with pytest.raises(Exception, match="ValueError: boom in node 'fail'"):
        await client.runs.wait(tid, "failing", input={"items": []})
    result = await client.runs.wait(tid, "failing", input={"items": []}, raise_error=False)
    assert result["__error__"]["error"] == "ValueError"
    assert "boom in node 'fail'" in result["__error__"]["message"]
    assert (await client.threads.get(tid))["status"] == "error"
    parts = await _collect(client.runs.stream(tid, "failing", input={"items": []}))
    assert parts[-1][0] == "error" and parts[-1][1]["error"] == "ValueError"
    assert [r["status"] for r in await client.runs.list(tid)] == ["error"] * 3


async def test_second_run_on_busy_thread_is_409(server_url: str) -> None:
    client = get_client(url=server_url)
    thread = await client.threads.create()
    tid = thread["thread_id"]
    stream = client.runs.stream(tid, "slowpoke", input={"items": ["in"]})
    first = await anext(stream)
    assert first.event == "metadata"
    assert (await client.threads.get(tid))["status"] == "busy"
    with pytest.raises(httpx.HTTPStatusError, match="409") as caught:
        await client.runs.wait(tid, "agent", input={}, multitask_strategy="reject")
    assert "is busy" in caught.value.response.json()["detail"]
    rest = [part.event async for part in stream]
    assert rest == ["values", "values", "end"]
    assert (await client.threads.get(tid))["status"] == "idle"


async def test_disconnect_frees_the_thread(server_url: str) -> None:
    client = get_client(url=server_url)
    thread = await client.threads.create()
    tid = thread["thread_id"]
    stream = client.runs.stream(tid, "slowpoke", input={"items": ["in"]})
    assert (await anext(stream)).event == "metadata"
    await stream.aclose()
    for _ in range(100):
        if (await client.threads.get(tid))["status"] != "busy":
            break
        await asyncio.sleep(0.05)
    assert (await client.runs.list(tid))[0]["status"] == "interrupted"
    assert await client.runs.wait(tid, "agent", input={}) is not None


async def test_stream_shows_the_interrupt(server_url: str) -> None:
    client = get_client(url=server_url)
    parts = await _collect(
        client.runs.stream(None, "asker", input={"items": []}, stream_mode=["values", "updates"])
    )
    interrupt_value = {"question": "name?"}
    *_, (update_event, update), (values_event, values) = parts
    assert update_event == "updates" and values_event == "values"
    assert [i["value"] for i in update["__interrupt__"]] == [interrupt_value]
    assert values["items"] == ["first"]
    assert [i["value"] for i in values["__interrupt__"]] == [interrupt_value]


async def test_stream_subgraphs_names_events_by_namespace(server_url: str) -> None:
    client = get_client(url=server_url)
    parts = await _collect(
        client.runs.stream(
            None, "nested", input={"items": []}, stream_mode="updates", stream_subgraphs=True
        )
    )
    names = [event for event, _ in parts[1:]]
    assert names[0].startswith("updates|inner:")
    assert names[1:] == ["updates", "updates"]
    assert parts[1][1] == {"first": {"items": ["first"]}}
    assert parts[-1][1] == {"second": {"items": ["second"]}}
    flat = await _collect(client.runs.stream(None, "nested", input={}, stream_mode="updates"))
    assert [event for event, _ in flat[1:]] == ["updates", "updates"]


async def test_stream_messages_tuple(server_url: str) -> None:
    client = get_client(url=server_url)
    parts = await _collect(
        client.runs.stream(
            None,
            "chat",
            input={"messages": [{"role": "user", "content": "hi"}]},
            stream_mode=["messages-tuple", "values"],
        )
    )
    tokens = [data for event, data in parts if event == "messages"]
    assert "".join(chunk["content"] for chunk, _ in tokens) == "Hello there friend"
    assert {meta["langgraph_node"] for _, meta in tokens} == {"reply"}
    final = parts[-1][1]["messages"]
    assert [(m["type"], m["content"]) for m in final] == [
        ("human", "hi"),
        ("ai", "Hello there friend"),
    ]


def test_runs_left_running_by_a_dead_process_are_marked_failed(tmp_path) -> None:
    from stategraph.server import create_app

    from .conftest import write_config

    database = str(tmp_path / "crash.db")
    first = create_app(write_config(tmp_path), database=database).state.server
    thread = first.threads.create(None, {})
    first.runs.start(thread["thread_id"], parse_run_request({"assistant_id": "agent"}))
    assert first.threads.get(thread["thread_id"])["status"] == "busy"
    first.close()
    second = create_app(write_config(tmp_path), database=database).state.server
    assert second.threads.get(thread["thread_id"])["status"] == "error"
    assert [r["status"] for r in second.runs.list(thread["thread_id"])] == ["error"]
    assert not second.runs.is_busy(thread["thread_id"])


async def test_background_run_join_and_get(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    run = await client.runs.create(tid, "slowpoke", input={"items": ["in"]})
    assert run["status"] == "pending" and run["thread_id"] == tid
    assert (await client.threads.get(tid))["status"] == "busy"
    with pytest.raises(httpx.HTTPStatusError, match="409"):
        await client.runs.wait(tid, "agent", input={}, multitask_strategy="reject")
    assert await client.runs.join(tid, run["run_id"]) == {"items": ["in", "slow"]}
    assert (await client.runs.get(tid, run["run_id"]))["status"] == "success"
    assert (await client.threads.get(tid))["status"] == "idle"


async def test_background_run_cancel_then_delete(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    run = await client.runs.create(tid, "slowpoke", input={"items": ["in"]})
    with pytest.raises(ConflictError, match="cancel it before deleting"):
        await client.runs.delete(tid, run["run_id"])
    cancelled = await client.runs.cancel(tid, run["run_id"], wait=True)
    assert cancelled["status"] == "interrupted"
    assert (await client.threads.get(tid))["status"] != "busy"
    assert (await client.runs.wait(tid, "agent", input={"items": []}))["items"][-1] == "second"
    await client.runs.delete(tid, run["run_id"])
    assert [r["run_id"] for r in await client.runs.list(tid)] != [run["run_id"]]
    with pytest.raises(NotFoundError):
        await client.runs.get(tid, run["run_id"])


async def test_background_failure_joins_as_error(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    run = await client.runs.create(tid, "failing", input={"items": []})
    joined = await client.runs.join(tid, run["run_id"])
    assert joined["__error__"]["error"] == "ValueError"
    assert (await client.runs.get(tid, run["run_id"]))["status"] == "error"


async def test_stateless_background_run_removes_its_thread(server_url: str) -> None:
    client = get_client(url=server_url)
    run = await client.runs.create(None, "agent", input={"items": []})
    assert run["status"] == "pending"
    for _ in range(100):
        if not await client.threads.search():
            break
        await asyncio.sleep(0.05)
    assert await client.threads.search() == []


async def test_cancel_stops_a_streaming_run(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    stream = client.runs.stream(tid, "slowpoke", input={"items": ["in"]})
    run_id = (await anext(stream)).data["run_id"]
    with pytest.raises(UnprocessableEntityError, match="'action' must be one of"):
        await client.runs.cancel(tid, run_id, action="explode")
    cancelled = await client.runs.cancel(tid, run_id, wait=True)
    assert cancelled["status"] == "interrupted"
    assert [part.event async for part in stream][-1] == "end"
    assert (await client.threads.get(tid))["status"] != "busy"


async def test_multitask_enqueue_runs_in_order(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    first = await client.runs.create(tid, "slowpoke", input={"items": ["a"]})
    second = await client.runs.create(
        tid, "slowpoke", input={"items": ["b"]}, multitask_strategy="enqueue"
    )
    assert (await client.runs.get(tid, second["run_id"]))["status"] == "pending"
    assert await client.runs.join(tid, second["run_id"]) == {"items": ["a", "slow", "b", "slow"]}
    statuses = {r["run_id"]: r["status"] for r in await client.runs.list(tid)}
    assert statuses == {first["run_id"]: "success", second["run_id"]: "success"}
    assert (await client.threads.get(tid))["status"] == "idle"


async def test_multitask_interrupt_cancels_the_running_run(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    first = await client.runs.create(tid, "slowpoke", input={"items": ["a"]})
    with pytest.raises(httpx.HTTPStatusError, match="422") as caught:
        await client.runs.wait(tid, "agent", input={}, multitask_strategy="explode")
    assert "'multitask_strategy' must be one of" in caught.value.response.json()["detail"]
    result = await client.runs.wait(
        tid, "agent", input={"items": ["b"]}, multitask_strategy="interrupt"
    )
    assert result["items"][-2:] == ["first", "second"] and "slow" not in result["items"]
    assert (await client.runs.get(tid, first["run_id"]))["status"] == "interrupted"


async def test_join_stream_follows_a_background_run(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    run = await client.runs.create(
        tid, "slowpoke", input={"items": ["in"]}, stream_mode=["values", "updates"]
    )
    joined = [
        (part.event, part.data)
        async for part in client.runs.join_stream(tid, run["run_id"], stream_mode="updates")
    ]
    assert joined[0] == ("metadata", {"run_id": run["run_id"], "attempt": 1})
    assert joined[1:] == [("updates", {"slow": {"items": ["slow"]}}), ("end", None)]
    replay = [
        (part.event, part.data)
        async for part in client.runs.join_stream(tid, run["run_id"], last_event_id="0")
    ]
    assert replay == [("metadata", {"run_id": run["run_id"], "attempt": 1}), ("end", None)]


async def test_join_stream_resumes_after_last_event_id(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    run = await client.runs.create(tid, "slowpoke", input={"items": ["in"]})
    async with httpx.AsyncClient(base_url=server_url) as http:
        path = f"/threads/{tid}/runs/{run['run_id']}/stream"
        response = await http.get(path, headers={"Last-Event-ID": "0"})
        assert (await http.get(path, headers={"Last-Event-ID": "x"})).status_code == 422
    # Last-Event-ID 0: the input's values event (id 0) is skipped, the next one replayed
    assert "id: 0\n" not in response.text
    assert 'id: 1\nevent: values\ndata: {"items": ["in", "slow"]}' in response.text


async def test_on_disconnect_continue_keeps_the_run(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    stream = client.runs.stream(tid, "slowpoke", input={"items": ["in"]}, on_disconnect="continue")
    run_id = (await anext(stream)).data["run_id"]
    await stream.aclose()
    assert await client.runs.join(tid, run_id) == {"items": ["in", "slow"]}
    assert (await client.runs.get(tid, run_id))["status"] == "success"


async def test_quiet_runs_get_heartbeat_comments(
    server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stategraph.server import _sse

    monkeypatch.setattr(_sse, "HEARTBEAT_SECONDS", 0.2)
    async with httpx.AsyncClient(base_url=server_url) as http:
        response = await http.post(
            "/runs/stream", json={"assistant_id": "slowpoke", "input": {"items": ["in"]}}
        )
    assert ": heartbeat\n\n" in response.text
    client = get_client(url=server_url)
    parts = await _collect(client.runs.stream(None, "slowpoke", input={"items": ["in"]}))
    assert [event for event, _ in parts] == ["metadata", "values", "values"]


async def test_cancel_many_by_thread_and_status(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    first = await client.runs.create(tid, "slowpoke", input={"items": ["a"]})
    queued = await client.runs.create(
        tid, "slowpoke", input={"items": ["b"]}, multitask_strategy="enqueue"
    )
    for _ in range(200):  # only the queued run may be pending when cancel_many looks
        if (await client.runs.get(tid, first["run_id"]))["status"] == "running":
            break
        await asyncio.sleep(0.01)
    await client.runs.cancel_many(thread_id=tid, status="pending")
    assert await client.runs.join(tid, first["run_id"]) == {"items": ["a", "slow"]}
    assert (await client.runs.get(tid, queued["run_id"]))["status"] == "interrupted"
    again = await client.runs.create(tid, "slowpoke", input={"items": ["c"]})
    await client.runs.cancel_many(run_ids=[again["run_id"]])
    await client.runs.join(tid, again["run_id"])
    assert (await client.runs.get(tid, again["run_id"]))["status"] == "interrupted"
    with pytest.raises(UnprocessableEntityError, match="which runs"):
        await client.runs.cancel_many()


async def test_create_batch_starts_stateless_runs(server_url: str) -> None:
    client = get_client(url=server_url)
    runs = await client.runs.create_batch(
        [
            {"assistant_id": "agent", "input": {"items": ["a"]}, "on_completion": "keep"},
            {"assistant_id": "greeter", "input": {}, "on_completion": "keep"},
        ]
    )
    assert [r["status"] for r in runs] == ["pending", "pending"]
    joined = [await client.runs.join(r["thread_id"], r["run_id"]) for r in runs]
    assert joined == [{"items": ["a", "first", "second"]}, {"items": ["hi"]}]
    with pytest.raises(NotFoundError, match="Run 1 of the batch"):
        await client.runs.create_batch([{"assistant_id": "agent"}, {"assistant_id": "nope"}])
    assert len(await client.threads.search()) == 2
    async with httpx.AsyncClient(base_url=server_url) as http:
        assert (await http.post("/runs/batch", json={"a": 1})).status_code == 422


async def test_durability_exit_saves_only_the_end(server_url: str) -> None:
    client = get_client(url=server_url)
    steps = {}
    for durability in ("exit", "async"):
        tid = (await client.threads.create())["thread_id"]
        await client.runs.wait(tid, "agent", input={"items": []}, durability=durability)
        steps[durability] = len(await client.threads.get_history(tid))
    assert steps["exit"] < steps["async"]


async def test_resumable_stream_replays_after_the_run(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    async with httpx.AsyncClient(base_url=server_url) as http:
        response = await http.post(
            f"/threads/{tid}/runs/stream",
            json={"assistant_id": "agent", "input": {"items": []}, "stream_resumable": True},
        )
    run_id = response.text.split('"run_id": "')[1].split('"')[0]
    assert response.headers["location"] == f"/threads/{tid}/runs/{run_id}/stream"
    assert "id: 0\nevent: values" in response.text
    replay = [
        (part.event, part.data)
        async for part in client.runs.join_stream(tid, run_id, last_event_id="0")
    ]
    assert [event for event, _ in replay] == ["metadata", "values", "values", "end"]
    assert replay[-2][1] == {"items": ["first", "second"]}
    plain = await _collect(client.runs.stream(tid, "agent", input={"items": []}))
    later = [
        p async for p in client.runs.join_stream(tid, plain[0][1]["run_id"], last_event_id="0")
    ]
    assert [p.event for p in later] == ["metadata", "end"]  # not resumable: nothing kept


async def test_a_run_on_a_busy_thread_waits_its_turn_by_default(server_url: str) -> None:
    """No multitask_strategy: enqueue, as the official server does."""
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    first = await client.runs.create(tid, "slowpoke", input={"items": ["a"]})
    second = await client.runs.wait(tid, "slowpoke", input={"items": ["b"]})
    assert second == {"items": ["a", "slow", "b", "slow"]}
    runs = {r["run_id"]: r for r in await client.runs.list(tid)}
    assert runs[first["run_id"]]["status"] == "success"
    assert [r["multitask_strategy"] for r in runs.values()] == ["enqueue", "enqueue"]
