"""JSON Schema from state schemas: every declaration style, and the compiled graph's getters."""

from __future__ import annotations

import dataclasses
import enum
import operator
import typing
from collections.abc import Sequence
from typing import Annotated, Any, Literal, Optional, Union

import pytest
import typing_extensions
from pydantic import BaseModel

from stategraph.graph import START, MessagesState, StateGraph
from stategraph.graph._jsonschema import hinted_schema, schema_json
from stategraph.managed import IsLastStep


class PlainTD(typing.TypedDict):
    """Declared with typing.TypedDict, which pydantic refuses on Python < 3.12."""

    name: str
    count: Annotated[int, operator.add]


class ExtTD(typing_extensions.TypedDict, total=False):
    name: str
    tags: Annotated[list[str], operator.add]


class Inner(typing.TypedDict):
    depth: int


class Outer(typing.TypedDict):
    inner: Inner
    inners: list[Inner]
    maybe: typing_extensions.NotRequired[Optional[Inner]]  # noqa: UP045 - the old spelling


class Model(BaseModel):
    label: str = "x"
    score: float


@dataclasses.dataclass
class Point:
    x: int
    y: int = 0
    tags: list[str] = dataclasses.field(default_factory=list)


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Node(typing.TypedDict):
    value: int
    children: list[Node]


def test_typing_typeddict_with_reducer() -> None:
    assert hinted_schema(PlainTD) == {
        "title": "PlainTD",
        "type": "object",
        "properties": {"name": {"type": "string"}, "count": {"type": "integer"}},
        "required": ["name", "count"],
    }


def test_typing_extensions_typeddict_not_total() -> None:
    assert hinted_schema(ExtTD) == {
        "title": "ExtTD",
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
    }


def test_nested_typeddicts_go_to_defs() -> None:
    schema = hinted_schema(Outer)
    ref = {"$ref": "#/$defs/Inner"}
    assert schema["properties"] == {
        "inner": ref,
        "inners": {"type": "array", "items": ref},
        "maybe": {"anyOf": [ref, {"type": "null"}]},
    }
    assert schema["required"] == ["inner", "inners"]
    assert schema["$defs"] == {
        "Inner": {
            "title": "Inner",
            "type": "object",
            "properties": {"depth": {"type": "integer"}},
            "required": ["depth"],
        }
    }


def test_recursive_type_refers_to_root() -> None:
    schema = hinted_schema(Node)
    assert schema["properties"]["children"] == {"type": "array", "items": {"$ref": "#"}}
    assert "$defs" not in schema


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        (Optional[int], {"anyOf": [{"type": "integer"}, {"type": "null"}]}),  # noqa: UP045
        (int | str, {"anyOf": [{"type": "integer"}, {"type": "string"}]}),
        (Union[int, None], {"anyOf": [{"type": "integer"}, {"type": "null"}]}),  # noqa: UP007
        (Literal["a", "b"], {"enum": ["a", "b"], "type": "string"}),
        (Literal[3], {"const": 3, "type": "integer"}),
        (Literal["a", 1], {"enum": ["a", 1]}),
        (list[int], {"type": "array", "items": {"type": "integer"}}),
        (Sequence[str], {"type": "array", "items": {"type": "string"}}),
        (set[str], {"type": "array", "items": {"type": "string"}, "uniqueItems": True}),
        (
            tuple[int, str],
            {
                "type": "array",
                "prefixItems": [{"type": "integer"}, {"type": "string"}],
                "minItems": 2,
                "maxItems": 2,
            },
        ),
        (tuple[int, ...], {"type": "array", "items": {"type": "integer"}}),
        (dict[str, float], {"type": "object", "additionalProperties": {"type": "number"}}),
        (dict, {"type": "object", "additionalProperties": {}}),
        (list, {"type": "array"}),
        (Any, {}),
        (Annotated[list[int], operator.add], {"type": "array", "items": {"type": "integer"}}),
        (typing_extensions.Required[bool], {"type": "boolean"}),
        (object, {}),
    ],
)
def test_field_annotations(annotation: Any, expected: dict[str, Any]) -> None:
    # why: the functional form evaluates the annotation here (this module defers annotations)
    holder = typing_extensions.TypedDict("Holder", {"field": annotation})  # noqa: UP013
    assert hinted_schema(holder)["properties"]["field"] == expected


def test_pydantic_model_root_and_nested() -> None:
    assert schema_json(Model) == Model.model_json_schema()

    class WithModel(typing.TypedDict):
        model: Model

    schema = hinted_schema(WithModel)
    assert schema["properties"]["model"] == {"$ref": "#/$defs/Model"}
    assert schema["$defs"]["Model"]["properties"]["score"]["type"] == "number"
    assert schema["$defs"]["Model"]["required"] == ["score"]


def test_dataclass_defaults_and_required() -> None:
    assert hinted_schema(Point) == {
        "title": "Point",
        "type": "object",
        "properties": {
            "x": {"type": "integer"},
            "y": {"type": "integer", "default": 0},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["x"],
    }


def test_enum_field() -> None:
    class WithEnum(typing.TypedDict):
        color: Color

    schema = hinted_schema(WithEnum)
    assert schema["properties"]["color"] == {"$ref": "#/$defs/Color"}
    assert schema["$defs"]["Color"] == {"title": "Color", "enum": ["red", "blue"], "type": "string"}


def test_managed_values_are_not_properties() -> None:
    class Managed(typing.TypedDict):
        text: str
        is_last_step: IsLastStep

    assert list(hinted_schema(Managed)["properties"]) == ["text"]


def test_none_and_non_record_roots() -> None:
    assert schema_json(None) == {}
    assert hinted_schema(list[str]) == {"type": "array", "items": {"type": "string"}}
    assert hinted_schema(int) == {"type": "integer"}


def test_same_name_types_get_distinct_defs() -> None:
    def make() -> type:
        class Inner(typing.TypedDict):
            other: str

        return Inner

    other_inner = make()

    both = typing.TypedDict("Both", {"one": Inner, "two": other_inner})  # noqa: UP013
    schema = hinted_schema(both)
    one, two = schema["properties"]["one"]["$ref"], schema["properties"]["two"]["$ref"]
    assert one != two
    assert {one.rsplit("/", 1)[1], two.rsplit("/", 1)[1]} == set(schema["$defs"])


def test_compiled_graph_getters_on_typing_typeddict() -> None:
    class Context(typing.TypedDict):
        user: str

    class Output(typing.TypedDict):
        count: int

    builder = StateGraph(PlainTD, context_schema=Context, output_schema=Output)
    builder.add_node("noop", lambda state: {})
    builder.add_edge(START, "noop")
    graph = builder.compile()
    assert graph.get_input_jsonschema() == schema_json(PlainTD)
    assert graph.get_output_jsonschema()["properties"] == {"count": {"type": "integer"}}
    assert graph.get_context_jsonschema()["properties"] == {"user": {"type": "string"}}


def test_messages_state() -> None:
    schema = schema_json(MessagesState)
    assert schema["properties"]["messages"]["type"] == "array"
    assert schema["required"] == ["messages"]


def test_messages_state_docstring_stays_out_of_the_schema_as_in_langgraph() -> None:
    # LangGraph's MessagesState has no docstring, so pydantic gives its schema no description
    assert MessagesState.__doc__
    assert "description" not in schema_json(MessagesState)

    class Documented(MessagesState):
        """Chat state with a topic."""

        topic: str

    class Undocumented(MessagesState):
        topic: str

    assert schema_json(Documented)["description"] == "Chat state with a topic."
    assert "description" not in schema_json(Undocumented)


def test_pydantic_gives_the_schema_where_it_can_as_in_langgraph() -> None:
    # typing_extensions TypedDicts, dataclasses...: pydantic's schema (titles, managed values)
    class WithSteps(typing_extensions.TypedDict):
        x: int
        steps: IsLastStep

    schema = schema_json(WithSteps)
    assert schema["title"] == "WithSteps"
    assert schema["properties"] == {
        "x": {"title": "X", "type": "integer"},
        "steps": {"title": "Steps", "type": "boolean"},
    }
    assert schema_json(Point)["title"] == "Point"
