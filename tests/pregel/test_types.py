"""stategraph.pregel.types: LangGraph's old path to the value types, same objects."""

from __future__ import annotations

import stategraph.types
from stategraph.pregel import types as old_path


def test_every_name_is_the_stategraph_types_object() -> None:
    for name in old_path.__all__:
        assert getattr(old_path, name) is getattr(stategraph.types, name), name


def test_cache_policy_default_key_func_is_named_as_langgraphs() -> None:
    from stategraph.types import CachePolicy

    policy = CachePolicy()
    assert policy.key_func.__name__ == "default_cache_key" and "default_cache_key" in repr(policy)
    assert policy.key_func({"a": 1}) == policy.key_func({"a": 1})
