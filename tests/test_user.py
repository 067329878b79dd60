"""BaseUser: the authenticated-user protocol of Runtime.server_info.user."""

from __future__ import annotations

import pytest

from stategraph.runtime import BaseUser


class User:
    is_authenticated = True
    display_name = "Ada"
    identity = "user-1"
    permissions = ("read",)

    def __getitem__(self, key):
        return getattr(self, key)

    def __contains__(self, key):
        return hasattr(self, key)

    def __iter__(self):
        return iter(("identity", "display_name"))


def test_objects_of_the_shape_are_users() -> None:
    assert isinstance(User(), BaseUser) and not isinstance({"identity": "x"}, BaseUser)


def test_the_sdk_protocol_and_ours_agree() -> None:
    sdk = pytest.importorskip("langgraph_sdk.auth.types")
    assert isinstance(User(), sdk.BaseUser)
    assert {n for n in vars(sdk.BaseUser) if not n.startswith("_")} == {
        n for n in vars(BaseUser) if not n.startswith("_")
    }
