"""stategraph.pregel.types: LangGraph's old path to the value types, same objects."""

from __future__ import annotations

import stategraph.types
from stategraph.pregel import types as old_path


def test_every_name_is_the_stategraph_types_object() -> None:
    for name in old_path.__all__:
        assert getattr(old_path, name) is getattr(stategraph.types, name), name
