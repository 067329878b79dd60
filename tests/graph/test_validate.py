"""Every structural mistake is reported at build/compile time, naming the culprit and an [E1xx] code."""

import operator
import re
from collections.abc import Callable
from typing import Annotated, Any, TypedDict

import pytest

from stategraph.errors import ErrorCode
from stategraph.graph import END, START, StateGraph
from stategraph.managed import RemainingSteps


class State(TypedDict, total=False):
    x: int


def noop(state: State) -> None:
    return None


def base() -> StateGraph:
    return StateGraph(State).add_node("a", noop)


def build_error(build: Callable[[], Any]) -> ValueError:
    with pytest.raises(ValueError) as info:
        build()
    return info.value


def assert_coded(exc: Exception, code: ErrorCode, *names: str) -> None:
    msg = str(exc)
    assert re.search(r"\[E1\d\d\]", msg), msg
    assert f"[{code.value}]" in msg, msg
    for name in names:
        assert name in msg, msg


def test_edge_to_unknown_node() -> None:
    exc = build_error(lambda: base().add_edge(START, "a").add_edge("a", "zzz").compile())
    assert_coded(exc, ErrorCode.BUILD_UNKNOWN_NODE, "zzz", "'a'")
    assert exc.code is ErrorCode.BUILD_UNKNOWN_NODE  # type: ignore[attr-defined]


def test_edge_from_unknown_node() -> None:
    exc = build_error(lambda: base().add_edge(START, "a").add_edge("ghost", "a").compile())
    assert_coded(exc, ErrorCode.BUILD_UNKNOWN_NODE, "ghost")


def test_conditional_edge_from_unknown_node() -> None:
    exc = build_error(lambda: base().add_edge(START, "a").add_conditional_edges("ghost", noop).compile())
    assert_coded(exc, ErrorCode.BUILD_UNKNOWN_NODE, "ghost")


@pytest.mark.parametrize("start", [END, [END]])
def test_end_cannot_be_a_start(start: Any) -> None:
    exc = build_error(lambda: base().add_edge(start, "a"))
    assert_coded(exc, ErrorCode.BUILD_BAD_EDGE, "END cannot be a start node")


@pytest.mark.parametrize("start", ["a", ["a"]])
def test_start_cannot_be_an_end(start: Any) -> None:
    exc = build_error(lambda: base().add_edge(start, START))
    assert_coded(exc, ErrorCode.BUILD_BAD_EDGE, "START cannot be an end node")


@pytest.mark.parametrize("name", [START, END])
def test_reserved_node_names(name: str) -> None:
    exc = build_error(lambda: StateGraph(State).add_node(name, noop))
    assert_coded(exc, ErrorCode.BUILD_RESERVED_NAME, name, "reserved")


@pytest.mark.parametrize("name", ["a|b", "a:b"])
def test_reserved_characters_in_names(name: str) -> None:
    exc = build_error(lambda: StateGraph(State).add_node(name, noop))
    assert_coded(exc, ErrorCode.BUILD_RESERVED_NAME, repr(name))


def test_duplicate_node() -> None:
    exc = build_error(lambda: base().add_node("a", noop))
    assert_coded(exc, ErrorCode.BUILD_DUPLICATE_NODE, "`a` already present")


def test_missing_entrypoint() -> None:
    exc = build_error(lambda: base().add_edge("a", END).compile())
    assert_coded(exc, ErrorCode.BUILD_NO_ENTRY, "entrypoint", "START")


@pytest.mark.parametrize("path_map", [{"go": "nowhere"}, ["nowhere"]])
def test_unknown_branch_target(path_map: Any) -> None:
    exc = build_error(
        lambda: base().add_edge(START, "a").add_conditional_edges("a", lambda s: "go", path_map).compile()
    )
    assert_coded(exc, ErrorCode.BUILD_UNKNOWN_NODE, "'a'", "'nowhere'")


def test_unknown_declared_destination() -> None:
    exc = build_error(lambda: StateGraph(State).add_node("a", noop, destinations=("ghost",))
                      .add_edge(START, "a").compile())
    assert_coded(exc, ErrorCode.BUILD_UNKNOWN_NODE, "'a'", "'ghost'")


def test_duplicate_branch_name_on_one_source() -> None:
    exc = build_error(lambda: base().add_conditional_edges("a", noop).add_conditional_edges("a", noop))
    assert_coded(exc, ErrorCode.BUILD_BAD_EDGE, "noop", "`a`")


@pytest.mark.parametrize("reducer", [lambda a: a, lambda a, b, c: a])
def test_invalid_reducer_arity(reducer: Any) -> None:
    class Bad(TypedDict):
        items: Annotated[list, reducer]

    exc = build_error(lambda: StateGraph(Bad))
    assert_coded(exc, ErrorCode.BUILD_BAD_REDUCER, "'items'", "reducer")


def test_reducer_with_default_third_argument_is_fine() -> None:
    class Ok(TypedDict):
        items: Annotated[list, lambda a, b, c=None: a + b]

    StateGraph(Ok)  # no error


@pytest.mark.parametrize("kind", ["interrupt_before", "interrupt_after"])
def test_unknown_interrupt_node(kind: str) -> None:
    exc = build_error(lambda: base().add_edge(START, "a").compile(**{kind: ["nope"]}))
    assert_coded(exc, ErrorCode.BUILD_UNKNOWN_NODE, "`nope`")


def test_interrupt_star_is_accepted() -> None:
    app = base().add_edge(START, "a").compile(interrupt_before="*")
    assert app.interrupt_before_nodes == "*"


@pytest.mark.parametrize(("start", "end", "missing"), [(["a", "ghost"], "a", "ghost"), (["a"], "ghost", "ghost")])
def test_waiting_edge_with_unknown_nodes(start: list[str], end: str, missing: str) -> None:
    exc = build_error(lambda: base().add_edge(start, end))
    assert_coded(exc, ErrorCode.BUILD_UNKNOWN_NODE, f"`{missing}`")


def test_node_without_a_usable_action() -> None:
    # the builtin types LangGraph raises: RuntimeError without an action, TypeError for a non-callable
    with pytest.raises(RuntimeError) as missing:
        StateGraph(State).add_node("a")
    assert_coded(missing.value, ErrorCode.BUILD_BAD_ARGUMENT, "'a'")
    with pytest.raises(TypeError) as wrong:
        StateGraph(State).add_node("a", 42)
    assert_coded(wrong.value, ErrorCode.BUILD_BAD_ARGUMENT, "'a'", "42")


def test_state_schema_is_required_and_a_fieldless_one_is_a_root_value() -> None:
    with pytest.raises(TypeError):
        StateGraph()  # type: ignore[call-arg]
    for schema in (dict, int):
        assert list(StateGraph(schema).channels) == ["__root__"]
    with pytest.warns(UserWarning, match="root value"):
        assert list(StateGraph(None).channels) == ["__root__"]
    g = StateGraph(dict).add_node("a", lambda s: {**s, "seen": True}).add_edge(START, "a").compile()
    assert g.invoke({"z": 2}) == {"z": 2, "seen": True}


def test_conflicting_channel_types_for_one_key() -> None:
    class First(TypedDict):
        x: Annotated[list, operator.add]

    class Second(TypedDict):
        x: Annotated[list, operator.or_]

    exc = build_error(lambda: StateGraph(First, input_schema=Second))
    assert_coded(exc, ErrorCode.BUILD_BAD_SCHEMA, "'x'")


def test_invalid_checkpointer_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="checkpointer"):
        base().add_edge(START, "a").compile(checkpointer=object())


def test_managed_value_in_input_schema_is_rejected() -> None:
    class WithManaged(TypedDict):
        remaining: RemainingSteps

    with pytest.raises(ValueError):
        StateGraph(State, input_schema=WithManaged)


def test_reducer_arity_error_carries_a_code_attribute() -> None:
    class Bad(TypedDict):
        items: Annotated[list, lambda a: a]

    exc = build_error(lambda: StateGraph(Bad))
    assert getattr(exc, "code", None) is ErrorCode.BUILD_BAD_REDUCER


def test_unresolvable_annotation_is_reported() -> None:
    class Unresolved(TypedDict):
        items: "Annotated[list, undefined_reducer]"  # noqa: F821

    with pytest.raises((NameError, ValueError)):
        StateGraph(Unresolved)


def test_orphan_node_is_reported_with_a_code() -> None:
    import warnings as _w
    from typing import TypedDict as _TD

    from stategraph.graph import START as _START
    from stategraph.graph import StateGraph as _SG

    class _S(_TD):
        x: int

    with _w.catch_warnings(record=True) as caught:
        _w.simplefilter("always")
        _SG(_S).add_node("a", lambda s: s).add_node("lost", lambda s: s).add_edge(_START, "a").compile()
    messages = [str(w.message) for w in caught]
    assert any("['lost']" in m and "[E106]" in m for m in messages), messages


def test_deprecated_keywords_warn_as_langgraph() -> None:
    from stategraph.warnings import LangGraphDeprecatedSinceV05, LangGraphDeprecatedSinceV10

    with pytest.warns(LangGraphDeprecatedSinceV10, match="context_schema"):
        g = StateGraph(State, config_schema=dict)
    assert g.context_schema is dict
    with pytest.warns(LangGraphDeprecatedSinceV05, match="input_schema"):
        assert StateGraph(State, input=State).input_schema is State
    with pytest.warns(LangGraphDeprecatedSinceV05, match="retry_policy"):
        StateGraph(State).add_node("a", lambda s: {}, retry=None)
