"""GraphSchema of each kind of graph: StateGraph, @entrypoint, hand-made Pregel; subgraphs."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from stategraph.channels.last_value import LastValue
from stategraph.func import entrypoint
from stategraph.graph import START, StateGraph
from stategraph.pregel import NodeBuilder, Pregel
from stategraph.server._graph_schemas import graph_schemas, subgraph_schemas
from stategraph.server._http import ApiError


class Mood(BaseModel):
    mood: str = "calm"
    level: int


class Ctx(BaseModel):
    user: str


def _pydantic_graph() -> Pregel:
    builder = StateGraph(Mood, context_schema=Ctx)
    builder.add_node("noop", lambda state: {})
    builder.add_edge(START, "noop")
    return builder.compile()


def test_state_graph_with_pydantic_schemas() -> None:
    schemas = graph_schemas("moods", _pydantic_graph())
    assert schemas["graph_id"] == "moods"
    assert schemas["state_schema"] == Mood.model_json_schema()
    assert schemas["input_schema"] == schemas["output_schema"] == Mood.model_json_schema()
    assert schemas["context_schema"] == Ctx.model_json_schema()
    assert schemas["config_schema"] is None


def test_entrypoint_is_described_by_its_annotations() -> None:
    @entrypoint()
    def count_words(text: str) -> list[int]:
        return [len(word) for word in text.split()]

    schemas = graph_schemas("words", count_words)
    assert schemas["input_schema"] == {"type": "string"}
    assert schemas["output_schema"] == {"type": "array", "items": {"type": "integer"}}
    assert schemas["context_schema"] is None


def test_hand_made_pregel_is_described_by_its_channels() -> None:
    node = NodeBuilder().subscribe_only("number").do(str).write_to("text")
    graph = Pregel(
        nodes={"show": node},
        channels={"number": LastValue(int), "text": LastValue(str)},
        input_channels="number",
        output_channels=["text"],
    )
    schemas = graph_schemas("show", graph)
    assert schemas["input_schema"] == {"type": "integer"}
    assert schemas["output_schema"]["properties"] == {"text": {"type": "string"}}
    assert schemas["state_schema"]["properties"] == {
        "number": {"type": "integer"},
        "text": {"type": "string"},
    }


def test_subgraph_schemas_by_namespace() -> None:
    inner = _pydantic_graph()
    builder = StateGraph(Mood)
    builder.add_node("child", inner)
    builder.add_edge(START, "child")
    outer = builder.compile()
    found = subgraph_schemas("outer", outer, None, recurse=False)
    assert list(found) == ["child"]
    assert found["child"]["state_schema"] == Mood.model_json_schema()
    assert subgraph_schemas("outer", outer, "child", recurse=True) == found
    with pytest.raises(ApiError, match="no subgraph at namespace 'other'.*\\['child'\\]"):
        subgraph_schemas("outer", outer, "other", recurse=False)
