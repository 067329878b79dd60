"""TracePolicy / omit_payload: accepted on nodes, nothing recorded to transform."""

from __future__ import annotations

import dataclasses

import pytest
from typing_extensions import TypedDict

from stategraph.graph import StateGraph
from stategraph.types import TracePolicy, omit_payload


class S(TypedDict):
    x: int


def test_policy_is_a_frozen_keyword_only_value() -> None:
    policy = TracePolicy(process_inputs=omit_payload, process_outputs=len)
    assert policy.process_inputs([1]) == {} and policy.process_outputs([1, 2]) == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.process_inputs = None  # type: ignore[misc]
    with pytest.raises(TypeError):
        TracePolicy(omit_payload)  # type: ignore[misc]


def test_add_node_accepts_a_trace_policy(driver) -> None:
    graph = StateGraph(S).add_node(
        "a", lambda s: {"x": s["x"] + 1}, trace_policy=TracePolicy(process_inputs=omit_payload)
    )
    assert driver.run(graph.set_entry_point("a").compile(), {"x": 1}) == {"x": 2}
