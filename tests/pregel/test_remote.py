"""RemoteGraph against our server on a loopback port, through its sync and async methods."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from typing import Any, TypedDict

import pytest

from server.conftest import serve  # tests/ is on sys.path: the server tests' uvicorn helper
from server.extra_graphs import write_extra_config
from stategraph.checkpoint.memory import InMemorySaver
from stategraph.graph import END, START, StateGraph
from stategraph.pregel.remote import RemoteException, RemoteGraph
from stategraph.server import create_app
from stategraph.types import Command, Interrupt, StateSnapshot

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("remote")
    app = create_app(write_extra_config(directory), database=str(directory / "server.db"))
    with serve(app) as base_url:
        yield base_url


@pytest.fixture(params=["sync", "async"])
def driver(request: pytest.FixtureRequest) -> str:
    return request.param


async def call(driver: str, obj: Any, method: str, *args: Any, **kwargs: Any) -> Any:
    """``obj.method(...)`` for the sync driver, ``await obj.amethod(...)`` for the async one."""
    if driver == "sync":
        return getattr(obj, method)(*args, **kwargs)
    return await getattr(obj, "a" + method)(*args, **kwargs)


async def chunks(driver: str, obj: Any, *args: Any, **kwargs: Any) -> list[Any]:
    if driver == "sync":
        return list(obj.stream(*args, **kwargs))
    return [chunk async for chunk in obj.astream(*args, **kwargs)]


async def history(driver: str, obj: Any, config: dict[str, Any], **kwargs: Any) -> list[Any]:
    if driver == "sync":
        return list(obj.get_state_history(config, **kwargs))
    return [s async for s in obj.aget_state_history(config, **kwargs)]


def thread() -> dict[str, Any]:
    return {"configurable": {"thread_id": str(uuid.uuid4())}}


async def test_invoke_stateless_and_on_a_thread(url: str, driver: str) -> None:
    remote = RemoteGraph("chain", url=url)
    assert await call(driver, remote, "invoke", {"items": ["x"]}) == {"items": ["x", "step"]}
    config = thread()
    await call(driver, remote, "invoke", {"items": ["a"]}, config)
    again = await call(driver, remote, "invoke", {"items": ["b"]}, config)
    assert again == {"items": ["a", "step", "b", "step"]}


async def test_stream_modes_shapes(url: str, driver: str) -> None:
    remote = RemoteGraph("typed", url=url)
    default = await chunks(driver, remote, {"items": []})
    assert default == [{"middle": {"items": ["leaf"]}}, {"after": {"items": ["after"]}}]
    values = await chunks(driver, remote, {"items": []}, stream_mode="values")
    assert values[-1] == {"items": ["leaf", "after"]}
    pairs = await chunks(driver, remote, {"items": []}, stream_mode=["custom", "updates"])
    # the only custom chunk is written inside a subgraph: it needs subgraphs=True
    assert pairs == [("updates", default[0]), ("updates", default[1])]
    tasks = await chunks(driver, remote, {"items": []}, stream_mode="tasks")
    assert [(t["name"], "result" in t) for t in tasks] == [
        ("middle", False),
        ("middle", True),
        ("after", False),
        ("after", True),
    ]
    nested = await chunks(driver, remote, {"items": []}, stream_mode="updates", subgraphs=True)
    namespaces = [ns for ns, _ in nested]
    assert [len(ns) for ns in namespaces] == [2, 1, 0, 0]
    assert namespaces[0][0].startswith("middle:") and namespaces[0][1].startswith("leafy:")
    triples = await chunks(driver, remote, {"items": []}, stream_mode=["custom"], subgraphs=True)
    assert [(len(ns), mode, data) for ns, mode, data in triples] == [(2, "custom", {"at": "leaf"})]


async def test_messages_mode_yields_chunk_metadata_pairs(url: str, driver: str) -> None:
    remote = RemoteGraph("talker", url=url)
    parts = await chunks(
        driver, remote, {"messages": [{"role": "user", "content": "hi"}]}, stream_mode="messages"
    )
    spoken = [(m["content"], meta["langgraph_node"]) for m, meta in parts]
    assert spoken[-4:] == [
        ("own", "speak"),
        (" model", "speak"),
        (" words", "speak"),
        ("done", "announce"),
    ]


async def test_state_history_and_update(url: str, driver: str) -> None:
    remote = RemoteGraph("chain", url=url)
    config = thread()
    await call(driver, remote, "invoke", {"items": ["x"]}, config)
    state = await call(driver, remote, "get_state", config)
    assert isinstance(state, StateSnapshot)
    assert state.values == {"items": ["x", "step"]} and state.next == ()
    assert state.config["configurable"]["thread_id"] == config["configurable"]["thread_id"]
    assert state.metadata["source"] == "loop"
    snapshots = await history(driver, remote, config)
    assert [s.metadata["step"] for s in snapshots] == [1, 0, -1]
    assert snapshots[1].next == ("step",)
    assert len(await history(driver, remote, config, limit=2)) == 2
    earlier = await call(driver, remote, "get_state", snapshots[1].config)
    assert earlier.values == {"items": ["x"]} and earlier.next == ("step",)
    updated = await call(driver, remote, "update_state", config, {"items": ["y"]}, as_node="step")
    assert updated["configurable"]["checkpoint_id"] != state.config["configurable"]["checkpoint_id"]
    latest = await call(driver, remote, "get_state", config)
    assert latest.values == {"items": ["x", "step", "y"]}
    assert (
        latest.parent_config["configurable"]["checkpoint_id"]
        == state.config["configurable"]["checkpoint_id"]
    )
    # a config naming a checkpoint replays from it (time travel), forking the thread
    replayed = await call(driver, remote, "invoke", None, snapshots[1].config)
    assert replayed == {"items": ["x", "step"]}


async def test_interrupt_and_resume_on_the_remote_thread(url: str, driver: str) -> None:
    remote = RemoteGraph("asker", url=url)
    config = thread()
    paused = await call(driver, remote, "invoke", {"items": []}, config)
    (pending,) = paused["__interrupt__"]
    assert isinstance(pending, Interrupt) and pending.value == {"question": "name?"}
    state = await call(driver, remote, "get_state", config)
    assert state.next == ("ask",) and state.interrupts[0].id == pending.id
    assert state.tasks[0].interrupts[0].value == {"question": "name?"}
    done = await call(driver, remote, "invoke", Command(resume="ada"), config)
    assert done == {"items": ["hello ada"]}


async def test_get_state_with_subgraphs_nests_the_subgraphs_snapshot(url: str, driver: str) -> None:
    remote = RemoteGraph("nested_asker", url=url)
    config = thread()
    await call(driver, remote, "invoke", {"items": []}, config)
    flat = await call(driver, remote, "get_state", config)
    assert flat.tasks[0].state["configurable"]["checkpoint_ns"].startswith("inner:")
    deep = await call(driver, remote, "get_state", config, subgraphs=True)
    inner = deep.tasks[0].state
    assert isinstance(inner, StateSnapshot)
    assert (inner.values, inner.next) == ({"items": ["step"]}, ("ask",))
    assert inner.tasks[0].interrupts[0].value == {"question": "name?"}


def _parent(remote: RemoteGraph) -> Any:
    class Parent(TypedDict, total=False):
        items: list[str]
        after: str

    builder = StateGraph(Parent)
    builder.add_node("remote", remote)
    builder.add_node("finish", lambda state: {"after": "finished"})
    builder.add_edge(START, "remote")
    builder.add_edge("remote", "finish")
    builder.add_edge("finish", END)
    return builder.compile(checkpointer=InMemorySaver())


async def test_as_a_node_interrupts_propagate_and_resume(url: str, driver: str) -> None:
    remote = RemoteGraph("asker", url=url)
    parent = _parent(remote)
    config = thread()
    paused = await call(driver, parent, "invoke", {"items": ["in"]}, config)
    assert [i.value for i in paused["__interrupt__"]] == [{"question": "name?"}]
    # the remote thread is the parent's thread, paused at the same question
    remote_state = await call(driver, remote, "get_state", config)
    assert remote_state.next == ("ask",)
    done = await call(driver, parent, "invoke", Command(resume="bo"), config)
    assert done == {"items": ["in", "hello bo"], "after": "finished"}
    assert (await call(driver, remote, "get_state", config)).next == ()


async def test_as_a_node_two_interrupts_resume_in_turn(url: str, driver: str) -> None:
    parent = _parent(RemoteGraph("twice", url=url))
    config = thread()
    first = await call(driver, parent, "invoke", {"items": []}, config)
    assert [i.value for i in first["__interrupt__"]] == ["first?"]
    second = await call(driver, parent, "invoke", Command(resume="one"), config)
    assert [i.value for i in second["__interrupt__"]] == ["second?"]
    assert second["__interrupt__"][0].id != first["__interrupt__"][0].id
    done = await call(driver, parent, "invoke", Command(resume="two"), config)
    assert done == {"items": ["one+two"], "after": "finished"}


async def test_as_a_node_forwards_chunks_to_a_subgraphs_stream(url: str, driver: str) -> None:
    parent = _parent(RemoteGraph("typed", url=url))
    parts = await chunks(
        driver, parent, {"items": []}, thread(), stream_mode="updates", subgraphs=True
    )
    remote_ns = [ns for ns, _ in parts if ns]
    assert remote_ns and all(ns[0].startswith("remote:") for ns in remote_ns)
    assert [data for ns, data in parts if len(ns) == 1] == [
        {"middle": {"items": ["leaf"]}},
        {"after": {"items": ["after"]}},
    ]
    deepest = [ns for ns in remote_ns if len(ns) == 3]
    assert deepest and deepest[0][1].startswith("middle:") and deepest[0][2].startswith("leafy:")
    assert [data for ns, data in parts if not ns] == [
        {"remote": {"items": ["leaf", "after"]}},
        {"finish": {"after": "finished"}},
    ]
    flat = await chunks(driver, parent, {"items": []}, thread(), stream_mode="updates")
    assert [next(iter(d)) for d in flat] == ["remote", "finish"]


async def test_with_config_and_get_graph(url: str, driver: str) -> None:
    config = thread()
    remote = RemoteGraph("typed", url=url, name="typed-remote").with_config(config)
    assert remote.get_name() == "typed-remote"
    await call(driver, remote, "invoke", {"items": []})
    state = await call(driver, RemoteGraph("typed", url=url), "get_state", config)
    assert state.values == {"items": ["leaf", "after"]}
    drawing = await call(driver, remote, "get_graph")
    assert list(drawing.nodes) == ["__start__", "middle", "after", "__end__"]
    assert ("middle", "after") in [(e.source, e.target) for e in drawing.edges]
    deep = await call(driver, remote, "get_graph", xray=True)
    assert "middle:leafy:leaf" in deep.nodes
    assert "graph TD" in drawing.draw_mermaid()


async def test_remote_failure_raises(url: str, driver: str) -> None:
    remote = RemoteGraph("failing", url=url)
    with pytest.raises(RemoteException, match="ValueError: remote boom") as caught:
        await call(driver, remote, "invoke", {"items": []})
    assert caught.value.error == "ValueError"


async def test_misuse_is_refused_with_codes(url: str, driver: str) -> None:
    with pytest.raises(ValueError, match=r"no (sync|async) client.*\[E109\]"):
        await call(driver, RemoteGraph("typed"), "invoke", {"items": []})
    with pytest.raises(ValueError, match=r"thread_id.*\[E201\]"):
        await call(driver, RemoteGraph("typed", url=url), "get_state", {})
    with pytest.raises(TypeError, match="unexpected keyword"):
        await call(driver, RemoteGraph("typed", url=url), "invoke", {}, bogus=1)


def test_importable_under_the_langgraph_name() -> None:
    code = (
        "from stategraph.compat import install_as_langgraph; install_as_langgraph(); "
        "from langgraph.pregel.remote import RemoteGraph; print(RemoteGraph.__module__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "stategraph.pregel.remote"


async def test_as_a_node_parallel_remote_interrupts_are_asked_one_by_one(
    url: str, driver: str
) -> None:
    parent = _parent(RemoteGraph("pair", url=url))
    config = thread()
    first = await call(driver, parent, "invoke", {"items": []}, config)
    (asked,) = first["__interrupt__"]
    second = await call(driver, parent, "invoke", Command(resume={asked.id: "1"}), config)
    (asked_next,) = second["__interrupt__"]
    assert {asked.value, asked_next.value} == {"a?", "b?"}
    done = await call(driver, parent, "invoke", Command(resume="2"), config)
    answers = {asked.value[0]: "1", asked_next.value[0]: "2"}
    assert sorted(done["items"]) == sorted(f"{k}={v}" for k, v in answers.items())
    assert done["after"] == "finished"


async def test_called_inside_a_node_without_config_uses_the_nodes(url: str, driver: str) -> None:
    remote = RemoteGraph("asker", url=url)

    class Parent(TypedDict, total=False):
        items: list[str]

    def sync_node(state: Parent) -> Parent:
        return {"items": remote.invoke(state)["items"]}

    async def async_node(state: Parent) -> Parent:
        return {"items": (await remote.ainvoke(state))["items"]}

    builder = StateGraph(Parent)
    builder.add_node("calls_remote", sync_node if driver == "sync" else async_node)
    builder.add_edge(START, "calls_remote")
    parent = builder.compile(checkpointer=InMemorySaver())
    config = thread()
    paused = await call(driver, parent, "invoke", {"items": []}, config)
    assert [i.value for i in paused["__interrupt__"]] == [{"question": "name?"}]
    done = await call(driver, parent, "invoke", Command(resume="cy"), config)
    assert done == {"items": ["hello cy"]}


async def test_run_options_pass_through(url: str, driver: str) -> None:
    remote = RemoteGraph("chain", url=url)
    config = thread()
    held = await call(driver, remote, "invoke", {"items": ["x"]}, config, interrupt_before=["step"])
    assert held == {"items": ["x"]}
    assert (await call(driver, remote, "get_state", config)).next == ("step",)
    assert await call(driver, remote, "invoke", None, config) == {"items": ["x", "step"]}


async def test_explicit_clients_and_headers(url: str, driver: str) -> None:
    from langgraph_sdk import get_client, get_sync_client

    headers = {"x-team": "blue"}
    remote = RemoteGraph(
        "chain",
        client=get_client(url=url, headers=headers),
        sync_client=get_sync_client(url=url, headers=headers),
    )
    assert await call(driver, remote, "invoke", {"items": []}) == {"items": ["step"]}
    by_url = RemoteGraph("chain", url=url, headers=headers)
    client = by_url.sync_client if driver == "sync" else by_url.client
    assert client.http.client.headers["x-team"] == "blue"


def test_sanitize_config_keeps_only_what_json_and_the_server_take() -> None:
    from stategraph.pregel._remote import sanitize_config

    config = {
        "configurable": {
            "thread_id": "t",
            "checkpoint_ns": "remote:1",
            "checkpoint_id": "c",
            "__pregel_task_id": "x",
            "model": "m",
            "saver": object(),
        },
        "metadata": {"step": 1, "path": ("a", 2), "callback": print},
        "tags": ["a", object()],
        "recursion_limit": 5,
        "callbacks": [print],
        "run_name": object(),
    }
    assert sanitize_config(config) == {
        "configurable": {"thread_id": "t", "model": "m"},
        "metadata": {"step": 1, "path": ["a", 2]},
        "tags": ["a"],
        "recursion_limit": 5,
    }
