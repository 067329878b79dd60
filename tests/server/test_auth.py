"""Auth through the real SDK: API keys, a custom Auth scoping threads, runs and store to owners."""

# why: over 400 lines: auth through the real SDK, one resource and rule per test.

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_client

from stategraph.auth import Auth
from stategraph.auth.types import User
from stategraph.server import ConfigError, create_app
from stategraph.server._auth import AuthPolicy, load_auth_policy, matches_filter
from stategraph.server._http import ApiError

from .conftest import GRAPHS_FILE, serve

pytestmark = pytest.mark.anyio

OWNER_AUTH = """
from {module} import Auth

auth = Auth()
TOKENS = {{"Bearer alice-token": "alice", "Bearer bob-token": "bob"}}


@auth.authenticate
async def authenticate(authorization, path, method):
    if authorization not in TOKENS:
        raise Auth.exceptions.HTTPException(
            status_code=401, detail="Unknown token.", headers={{"WWW-Authenticate": "Bearer"}}
        )
    return {{"identity": TOKENS[authorization], "permissions": ["threads:write"]}}


@auth.on
async def owner_only(ctx: Auth.types.AuthContext, value: dict):
    filters = {{"owner": ctx.user.identity}}
    value.setdefault("metadata", {{}}).update(filters)
    return filters


@auth.on.threads.delete
async def no_deletes_without_permission(ctx, value):
    return "threads:delete" in ctx.permissions


@auth.on.store()
async def own_namespace(ctx, value):
    value["namespace"] = (ctx.user.identity, *value["namespace"])
"""

WHOAMI = """
from stategraph.config import get_config
from stategraph.graph import StateGraph
from stategraph.runtime import Runtime
from typing_extensions import TypedDict


class State(TypedDict, total=False):
    who: list
    served: list


def whoami(state: State, runtime: Runtime) -> State:
    configurable = get_config()["configurable"]
    user = configurable.get("langgraph_auth_user") or {}
    info = runtime.server_info
    return {"who": [configurable.get("langgraph_auth_user_id"), user.get("identity"),
                    configurable.get("langgraph_auth_permissions")],
            "served": [info.graph_id, info.user.identity, list(info.user.permissions),
                       info.user["identity"]]}


graph = StateGraph(State).add_node(whoami).add_edge("__start__", "whoami").compile()
"""


def _config(tmp_path: Path, auth: dict | None, module: str = "stategraph.auth") -> Path:
    config: dict = {
        "graphs": {"agent": f"{GRAPHS_FILE}:agent", "slowpoke": f"{GRAPHS_FILE}:slowpoke"}
    }
    if auth is not None:
        config["auth"] = auth
    (tmp_path / "whoami.py").write_text(WHOAMI)
    config["graphs"]["whoami"] = "./whoami.py:graph"
    (tmp_path / "my_auth.py").write_text(OWNER_AUTH.format(module=module))
    path = tmp_path / "langgraph.json"
    path.write_text(json.dumps(config))
    return path


@pytest.fixture
def owner_url(tmp_path: Path) -> Iterator[str]:
    config = _config(tmp_path, {"path": "./my_auth.py:auth"})
    with serve(create_app(config, database=str(tmp_path / "s.db"))) as url:
        yield url


def _as(url: str, who: str):
    return get_client(url=url, headers={"Authorization": f"Bearer {who}-token"})


def _status(exc: pytest.ExceptionInfo[httpx.HTTPStatusError]) -> int:
    return exc.value.response.status_code


async def test_unauthenticated_requests_get_401_json(owner_url: str) -> None:
    async with httpx.AsyncClient(base_url=owner_url) as http:
        response = await http.post("/threads", json={})
        assert response.status_code == 401
        assert response.json() == {"detail": "Unknown token."}
        assert response.headers["www-authenticate"] == "Bearer"
        assert (await http.get("/ok")).status_code == 200
    with pytest.raises(httpx.HTTPStatusError) as exc:
        await _as(owner_url, "mallory").threads.search()
    assert _status(exc) == 401


async def test_threads_are_scoped_to_their_owner(owner_url: str) -> None:
    alice, bob = _as(owner_url, "alice"), _as(owner_url, "bob")
    thread = await alice.threads.create(metadata={"topic": "x"})
    tid = thread["thread_id"]
    assert thread["metadata"] == {"topic": "x", "owner": "alice"}
    await bob.threads.create()
    for call in (
        bob.threads.get(tid),
        bob.threads.update(tid, metadata={"owner": "bob"}),
        bob.threads.get_state(tid),
        bob.threads.get_history(tid),
        bob.runs.create(tid, "agent", input={"items": []}),
        bob.runs.list(tid),
        bob.threads.copy(tid),
    ):
        with pytest.raises(httpx.HTTPStatusError) as exc:
            await call
        assert _status(exc) == 404
    assert [t["thread_id"] for t in await alice.threads.search()] == [tid]
    assert await bob.threads.count() == 1 and await alice.threads.count() == 1
    assert (await alice.threads.get(tid))["metadata"]["owner"] == "alice"
    assert await alice.runs.list(tid) == []  # bob's run was never created


async def test_only_the_owner_joins_a_thread_stream(owner_url: str) -> None:
    alice, bob = _as(owner_url, "alice"), _as(owner_url, "bob")
    tid = (await alice.threads.create())["thread_id"]
    await alice.runs.wait(tid, "agent", input={"items": []})
    with pytest.raises(httpx.HTTPStatusError) as exc:
        async for _ in await bob.threads.join_stream(tid):
            pass
    assert _status(exc) == 404
    stream = await alice.threads.join_stream(tid, stream_mode="lifecycle", last_event_id="-")
    first = await asyncio.wait_for(anext(stream), 10)  # streamed, not buffered
    await stream.aclose()
    assert (first.event, first.data["status"]) == ("run_created", "pending")


async def test_an_id_taken_by_another_owner_is_a_conflict(owner_url: str) -> None:
    tid = (await _as(owner_url, "alice").threads.create())["thread_id"]
    with pytest.raises(httpx.HTTPStatusError) as exc:
        await _as(owner_url, "bob").threads.create(thread_id=tid, if_exists="do_nothing")
    assert _status(exc) == 409


async def test_a_false_handler_answers_403_and_deletes_nothing(owner_url: str) -> None:
    alice = _as(owner_url, "alice")
    tid = (await alice.threads.create())["thread_id"]
    with pytest.raises(httpx.HTTPStatusError) as exc:
        await alice.threads.delete(tid)
    assert _status(exc) == 403
    assert (await alice.threads.get(tid))["thread_id"] == tid


async def test_search_pages_after_filtering(owner_url: str) -> None:
    alice, bob = _as(owner_url, "alice"), _as(owner_url, "bob")
    mine = [(await alice.threads.create())["thread_id"] for _ in range(3)]
    for _ in range(3):
        await bob.threads.create()
    first = await alice.threads.search(limit=2, sort_by="created_at", sort_order="asc")
    rest = await alice.threads.search(limit=2, offset=2, sort_by="created_at", sort_order="asc")
    assert [t["thread_id"] for t in first + rest] == mine


async def test_runs_create_owned_threads(owner_url: str) -> None:
    alice, bob = _as(owner_url, "alice"), _as(owner_url, "bob")
    result = await alice.runs.wait("t-new", "agent", input={"items": []}, if_not_exists="create")
    assert result["items"] == ["first", "second"]
    assert (await alice.threads.get("t-new"))["metadata"]["owner"] == "alice"
    with pytest.raises(httpx.HTTPStatusError) as exc:
        await bob.threads.get("t-new")
    assert _status(exc) == 404
    run = await alice.runs.create(None, "agent", input={"items": []}, on_completion="keep")
    await alice.runs.join(run["thread_id"], run["run_id"])
    assert (await alice.threads.get(run["thread_id"]))["metadata"]["owner"] == "alice"
    assert run["thread_id"] not in [t["thread_id"] for t in await bob.threads.search()]


async def test_store_namespaces_are_prefixed_by_the_handler(owner_url: str) -> None:
    alice, bob = _as(owner_url, "alice"), _as(owner_url, "bob")
    await alice.store.put_item(["notes"], "k", {"text": "hi"})
    assert (await alice.store.get_item(["notes"], "k"))["namespace"] == ["alice", "notes"]
    with pytest.raises(httpx.HTTPStatusError) as exc:
        await bob.store.get_item(["notes"], "k")
    assert _status(exc) == 404
    assert (await bob.store.search_items(["notes"]))["items"] == []
    assert (await bob.store.list_namespaces())["namespaces"] == []
    await bob.store.delete_item(["notes"], "k")  # deletes bob's (absent) item only
    assert (await alice.store.get_item(["notes"], "k"))["value"] == {"text": "hi"}


async def test_a_langgraph_sdk_auth_object_works_as_is(tmp_path: Path) -> None:
    config = _config(tmp_path, {"path": "./my_auth.py:auth"}, module="langgraph_sdk")
    with serve(create_app(config, database=str(tmp_path / "s.db"))) as url:
        tid = (await _as(url, "alice").threads.create())["thread_id"]
        with pytest.raises(httpx.HTTPStatusError) as exc:
            await _as(url, "bob").threads.get(tid)
        assert _status(exc) == 404


def _no_sdk_key_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LANGGRAPH_API_KEY", "LANGSMITH_API_KEY", "LANGCHAIN_API_KEY"):
        monkeypatch.delenv(name, raising=False)


async def test_api_keys_from_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _no_sdk_key_env(monkeypatch)
    config = _config(tmp_path, {"api_keys": ["k1", "k2"]})
    with serve(create_app(config)) as url:
        assert await get_client(url=url, api_key="k2").threads.search() == []
        for key in ("wrong", None):
            client = get_client(url=url, api_key=key)
            with pytest.raises(httpx.HTTPStatusError) as exc:
                await client.threads.create()
            assert _status(exc) == 401
            assert "x-api-key" in exc.value.response.json()["detail"]
        assert await get_client(url=url, api_key="k1").threads.search() == []


async def test_api_keys_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATEGRAPH_API_KEYS", "e1, e2")
    _no_sdk_key_env(monkeypatch)
    with serve(create_app(_config(tmp_path, None))) as url:
        async with httpx.AsyncClient(base_url=url) as http:
            assert (await http.post("/threads/search", json={})).status_code == 401
            ok = await http.post("/threads/search", json={}, headers={"x-api-key": "e2"})
            assert ok.status_code == 200


async def test_without_auth_config_everything_is_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STATEGRAPH_API_KEYS", raising=False)
    with serve(create_app(_config(tmp_path, None))) as url:
        assert (await get_client(url=url).threads.create())["metadata"] == {}


async def test_crons_are_scoped_to_their_owner(owner_url: str) -> None:
    alice, bob = _as(owner_url, "alice"), _as(owner_url, "bob")
    cron = await alice.crons.create("agent", schedule="@daily")
    assert cron["metadata"] == {"owner": "alice"} and cron["user_id"] == "alice"
    tid = (await alice.threads.create())["thread_id"]
    with pytest.raises(httpx.HTTPStatusError) as exc:
        await bob.crons.create_for_thread(tid, "agent", schedule="@daily")
    assert _status(exc) == 404
    assert await bob.crons.search() == [] and await bob.crons.count() == 0
    for call in (
        bob.crons.delete(cron["cron_id"]),
        bob.crons.update(cron["cron_id"], enabled=False),
    ):
        with pytest.raises(httpx.HTTPStatusError) as exc:
            await call
        assert _status(exc) == 404
    (mine,) = await alice.crons.search(select=["cron_id", "enabled"])
    assert mine == {"cron_id": cron["cron_id"], "enabled": True}


async def test_assistants_are_scoped_to_their_owner(owner_url: str) -> None:
    alice, bob = _as(owner_url, "alice"), _as(owner_url, "bob")
    mine = await alice.assistants.create("agent", name="mine")
    assert mine["metadata"] == {"owner": "alice"}
    for call in (
        bob.assistants.get(mine["assistant_id"]),
        bob.assistants.update(mine["assistant_id"], name="taken"),
        bob.assistants.get_versions(mine["assistant_id"]),
    ):
        with pytest.raises(httpx.HTTPStatusError) as exc:
            await call
        assert _status(exc) == 404
    assert await bob.assistants.search() == [] and await bob.assistants.count() == 0
    assert [a["assistant_id"] for a in await alice.assistants.search()] == [mine["assistant_id"]]
    assert (await alice.assistants.get(mine["assistant_id"]))["name"] == "mine"
    # the graph's system assistant is not listed, yet runs may name the graph
    assert (await bob.runs.wait(None, "agent", input={"items": []}))["items"]


async def test_cancel_many_reaches_only_the_callers_runs(owner_url: str) -> None:
    alice, bob = _as(owner_url, "alice"), _as(owner_url, "bob")
    tid = (await alice.threads.create())["thread_id"]
    run = await alice.runs.create(tid, "slowpoke", input={"items": []})
    with pytest.raises(httpx.HTTPStatusError) as exc:
        await bob.runs.cancel_many(thread_id=tid)
    assert _status(exc) == 404
    await bob.runs.cancel_many(status="all")
    await bob.runs.cancel_many(run_ids=[run["run_id"]])
    await alice.runs.join(tid, run["run_id"])
    assert (await alice.runs.get(tid, run["run_id"]))["status"] == "success"


# ----------------------------------------------------------------- the policy, without HTTP
def _policy_with(**handlers: Any) -> AuthPolicy:
    auth = Auth()
    for key, handler in handlers.items():
        if key == "glob":
            auth.on(handler)
        elif key == "star_read":
            auth.on(actions="read")(handler)
        elif "_" in key:
            resource, action = key.split("_", 1)
            getattr(getattr(auth.on, resource), action)(handler)
        else:
            getattr(auth.on, key)(handler)
    return AuthPolicy(auth)


def _answer(result: Any) -> Any:
    async def handler(ctx: Any, value: Any) -> Any:
        return result

    return handler


async def test_the_most_specific_handler_wins() -> None:
    policy = _policy_with(
        glob=_answer({"by": "global"}),
        star_read=_answer({"by": "any read"}),
        threads=_answer({"by": "threads"}),
        threads_read=_answer({"by": "threads.read"}),
    )
    user = User("u")
    assert await policy.authorize(user, "threads", "read", {}) == {"by": "threads.read"}
    assert await policy.authorize(user, "threads", "update", {}) == {"by": "threads"}
    assert await policy.authorize(user, "crons", "read", {}) == {"by": "any read"}
    assert await policy.authorize(user, "crons", "delete", {}) == {"by": "global"}
    assert await AuthPolicy(Auth()).authorize(user, "threads", "read", {}) is None


@pytest.mark.parametrize(
    ("result", "outcome"),
    [(None, None), (True, None), ({}, None), ({"a": 1}, {"a": 1}), (False, 403)],
)
async def test_handler_results(result: Any, outcome: Any) -> None:
    policy = _policy_with(glob=_answer(result))
    if outcome == 403:
        with pytest.raises(ApiError) as exc:
            await policy.authorize(User("u"), "threads", "read", {})
        assert exc.value.status == 403 and "read threads" in exc.value.detail
    else:
        assert await policy.authorize(User("u"), "threads", "read", {}) == outcome


async def test_handler_asserts_and_http_exceptions() -> None:
    async def asserting(ctx: Any, value: Any) -> None:
        assert value["namespace"][0] == ctx.user.identity, "not your namespace"

    async def raising(ctx: Any, value: Any) -> None:
        raise Auth.exceptions.HTTPException(429, "slow down")

    policy = _policy_with(store=asserting, threads=raising)
    with pytest.raises(ApiError, match="not your namespace") as exc:
        await policy.authorize(User("u"), "store", "put", {"namespace": ("v",)})
    assert exc.value.status == 403
    with pytest.raises(ApiError, match="slow down") as exc:
        await policy.authorize(User("u"), "threads", "read", {})
    assert exc.value.status == 429


@pytest.mark.parametrize(
    ("metadata", "filters", "expected"),
    [
        ({"owner": "a"}, {"owner": "a"}, True),
        ({"owner": "a"}, {"owner": "b"}, False),
        ({}, {"owner": None}, False),
        ({"owner": "a"}, {"owner": {"$eq": "a"}}, True),
        ({"team": ["a", "b"]}, {"team": {"$contains": "b"}}, True),
        ({"team": ["a", "b"]}, {"team": {"$contains": ["a", "b"]}}, True),
        ({"team": ["a"]}, {"team": {"$contains": ["a", "c"]}}, False),
        ({"team": "ab"}, {"team": {"$contains": "a"}}, False),
        ({"owner": "a", "team": ["x"]}, {"owner": "a", "team": {"$contains": "x"}}, True),
        ({"cfg": {"k": 1}}, {"cfg": {"k": 1}}, True),
        ({"anything": 1}, None, True),
    ],
)
def test_matches_filter(metadata: dict, filters: Any, expected: bool) -> None:
    assert matches_filter(metadata, filters) is expected


def test_policy_refuses_what_it_cannot_use() -> None:
    with pytest.raises(ConfigError, match="not an Auth object"):
        AuthPolicy(object())
    auth = Auth()

    @auth.authenticate
    async def authenticate(token: str) -> str:
        return token

    with pytest.raises(ConfigError, match=r"unknown parameter\(s\) \['token'\]"):
        AuthPolicy(auth)
    with pytest.raises(ConfigError, match="auth.api_keys"):
        load_auth_policy({"auth": {"api_keys": "k"}}, Path.cwd(), None)


async def test_runs_see_the_caller_in_their_config(owner_url: str) -> None:
    alice = _as(owner_url, "alice")
    spoof = {"configurable": {"langgraph_auth_user_id": "root"}}
    expected = ["alice", "alice", ["threads:write"]]
    assert (await alice.runs.wait(None, "whoami", input={}, config=spoof))["who"] == expected
    tid = (await alice.threads.create())["thread_id"]
    assert (await alice.runs.wait(tid, "whoami", input={}))["who"] == expected
    batch = [{"assistant_id": "whoami", "input": {}, "on_completion": "keep"}]
    (run,) = await alice.runs.create_batch(batch)
    assert run["kwargs"]["config"]["configurable"]["langgraph_auth_user_id"] == "alice"
    await alice.runs.join(run["thread_id"], run["run_id"])
    assert (await alice.threads.get(run["thread_id"]))["metadata"]["owner"] == "alice"
    with pytest.raises(httpx.HTTPStatusError) as exc:
        await _as(owner_url, "bob").threads.get(run["thread_id"])
    assert _status(exc) == 404


def test_every_route_has_an_authorization_rule(tmp_path: Path) -> None:
    from starlette.routing import Route

    from stategraph.server._auth_middleware import _rule_for

    app = create_app(_config(tmp_path, None))
    unguarded = []
    for route in app.routes:
        if route.path.startswith("/studio"):
            continue  # static files, served without authentication (they hold no data)
        assert isinstance(route, Route)
        path = re.sub(r"\{[^}]+\}", "x", route.path)  # every parameter, converters too
        for method in sorted((route.methods or set()) - {"HEAD"}):
            if path not in ("/ok", "/info") and _rule_for({"method": method, "path": path}) is None:
                unguarded.append(f"{method} {route.path}")
    assert not unguarded, f"add these to _auth_middleware._RULE_SOURCE: {unguarded}"


async def test_nodes_see_the_caller_in_runtime_server_info(owner_url: str) -> None:
    out = await _as(owner_url, "alice").runs.wait(None, "whoami", input={})
    assert out["served"] == ["whoami", "alice", ["threads:write"], "alice"]
