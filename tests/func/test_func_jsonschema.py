"""get_input_jsonschema / get_output_jsonschema of entrypoints and hand-built Pregel graphs."""

from __future__ import annotations

from typing import Any

import pytest
from typing_extensions import TypedDict

from stategraph.channels import LastValue
from stategraph.func import entrypoint
from stategraph.pregel import NodeBuilder, Pregel

pytest.importorskip("pydantic")


class Order(TypedDict):
    qty: int


def test_entrypoint_schemas_come_from_its_signature() -> None:
    @entrypoint()
    def typed(x: int) -> str:
        return str(x)

    @entrypoint()
    def record(order: Order, *, previous: Any = None) -> entrypoint.final[list[int], str]:
        return entrypoint.final(value=[order["qty"]], save="s")

    @entrypoint()
    def untyped(x):  # type: ignore[no-untyped-def]
        return x

    assert typed.get_input_jsonschema() == {"title": "LangGraphInput", "type": "integer"}
    assert typed.get_output_jsonschema() == {"title": "LangGraphOutput", "type": "string"}
    schema = record.get_input_jsonschema()
    assert schema["$ref"] == "#/$defs/Order" and schema["title"] == "LangGraphInput"
    assert schema["$defs"]["Order"]["properties"] == {"qty": {"title": "Qty", "type": "integer"}}
    assert record.get_output_jsonschema() == {
        "items": {"type": "integer"},
        "title": "LangGraphOutput",
        "type": "array",
    }
    assert untyped.get_input_jsonschema() == {"title": "LangGraphInput"}


def test_hand_built_pregel_schemas_come_from_its_channels() -> None:
    node = NodeBuilder().subscribe_only("a").do(lambda x: x).write_to("b")
    channels = {"a": LastValue(int), "b": LastValue(int)}
    single = Pregel(nodes={"n": node}, channels=channels, input_channels="a", output_channels="b")
    assert single.get_input_jsonschema() == {"title": "LangGraphInput", "type": "integer"}
    many = Pregel(
        nodes={"n": node}, channels=channels, input_channels=["a"], output_channels=["a", "b"]
    )
    assert many.get_output_jsonschema() == {
        "properties": {
            "a": {"default": None, "title": "A", "type": "integer"},
            "b": {"default": None, "title": "B", "type": "integer"},
        },
        "title": "LangGraphOutput",
        "type": "object",
    }


def test_entrypoint_context_schema() -> None:
    from dataclasses import dataclass

    @dataclass
    class Ctx:
        lang: str

    @entrypoint(context_schema=Ctx)
    def with_ctx(x: int) -> int:
        return x

    @entrypoint()
    def without(x: int) -> int:
        return x

    assert with_ctx.get_context_jsonschema() == {
        "properties": {"lang": {"title": "Lang", "type": "string"}},
        "required": ["lang"],
        "title": "Ctx",
        "type": "object",
    }
    assert without.get_context_jsonschema() is None
