"""The Auth object: handler registration, the value types annotations name, HTTPException."""

from __future__ import annotations

from typing import Any

import pytest

from stategraph.auth import Auth
from stategraph.auth.types import User


async def _allow(ctx, value):
    return None


def test_handlers_register_by_resource_and_action() -> None:
    auth = Auth()
    auth.on(_allow)
    auth.on.threads.create(_allow)
    auth.on.threads.create_run(_allow)
    auth.on.assistants(_allow)
    auth.on.store(actions=["put", "get"])(_allow)
    auth.on(resources=["crons"], actions="delete")(_allow)
    assert auth._global_handlers == [_allow]
    assert set(auth._handlers) == {
        ("threads", "create"),
        ("threads", "create_run"),
        ("assistants", "*"),
        ("store", "put"),
        ("store", "get"),
        ("crons", "delete"),
    }


def test_a_second_handler_for_the_same_action_is_refused() -> None:
    auth = Auth()
    auth.on.threads.read(_allow)
    with pytest.raises(ValueError, match="already has a handler.*'threads'.*'read'"):
        auth.on.threads.read(_allow)
    auth.on(_allow)
    with pytest.raises(ValueError, match="global handler"):
        auth.on(_allow)


def test_handlers_must_be_async_with_ctx_and_value() -> None:
    auth = Auth()

    def sync_handler(ctx, value):
        return None

    async def wrong_names(context, data):
        return None

    for handler in (sync_handler, wrong_names):
        with pytest.raises(ValueError, match=r"async def handler\(ctx, value\).*\[E109\]"):
            auth.on.threads(handler)


def test_one_async_authenticate_handler() -> None:
    auth = Auth()

    def sync_auth(authorization):
        return "u"

    with pytest.raises(ValueError, match="must be an async function"):
        auth.authenticate(sync_auth)

    async def first(authorization):
        return "u"

    assert auth.authenticate(first) is first
    with pytest.raises(ValueError, match="already has an authenticate handler"):
        auth.authenticate(first)


def test_langgraph_annotations_resolve() -> None:
    assert Auth.types.on.threads.create.value == dict[str, Any]
    assert Auth.types.on.store.list_namespaces.value == dict[str, Any]
    assert Auth.on.value == dict[str, Any]
    assert Auth.types.AuthContext.__name__ == "AuthContext"


def test_http_exception_defaults_to_401_with_the_status_phrase() -> None:
    exc = Auth.exceptions.HTTPException()
    assert (exc.status_code, exc.detail) == (401, "Unauthorized")
    exc = Auth.exceptions.HTTPException(403, "no", headers={"X-A": "1"})
    assert (exc.status_code, exc.detail, exc.headers) == (403, "no", {"X-A": "1"})


def test_user_reads_as_object_and_mapping() -> None:
    user = User("alice", permissions=("read",), extra=(("org", "acme"),))
    assert user.identity == user["identity"] == "alice"
    assert user["org"] == "acme" and "org" in user and "nope" not in user
    assert user.dict()["permissions"] == ("read",)


def test_the_user_is_the_runtime_base_user() -> None:
    from stategraph.auth import types
    from stategraph.runtime import BaseUser

    assert types.BaseUser is BaseUser  # one protocol, as in LangGraph
    user = User("ada", permissions=("read",), extra=(("team", "x"),))
    assert isinstance(user, BaseUser)
    assert list(user) == ["identity", "permissions", "display_name", "is_authenticated", "team"]
