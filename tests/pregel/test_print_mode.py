"""print_mode: chunks of the named modes are printed as the run makes them (stream and invoke)."""

from __future__ import annotations

import operator
from typing import Annotated

from typing_extensions import TypedDict

from stategraph.graph import START, StateGraph

BOLD_UPDATES = "\x1b[1m[updates]\x1b[0m "


class S(TypedDict):
    log: Annotated[list, operator.add]


def _leaf():
    return StateGraph(S).add_node("a", lambda s: {"log": ["a"]}).add_edge(START, "a").compile()


def test_stream_prints_a_mode_it_does_not_yield(driver, capsys) -> None:
    chunks = driver.stream(_leaf(), {"log": []}, stream_mode="values", print_mode="updates")
    assert chunks == [{"log": []}, {"log": ["a"]}]
    assert capsys.readouterr().out.splitlines() == [BOLD_UPDATES + "{'a': {'log': ['a']}}"]


def test_invoke_prints_each_named_mode_in_run_order(driver, capsys) -> None:
    out = driver.run(_leaf(), {"log": []}, print_mode=["updates", "values"])
    assert out == {"log": ["a"]}
    assert capsys.readouterr().out.splitlines() == [
        "\x1b[1m[values]\x1b[0m {'log': []}",
        BOLD_UPDATES + "{'a': {'log': ['a']}}",
        "\x1b[1m[values]\x1b[0m {'log': ['a']}",
    ]


def test_subgraph_chunks_are_printed_with_their_namespace(driver, capsys) -> None:
    graph = StateGraph(S).add_node("sub", _leaf()).add_edge(START, "sub").compile()
    chunks = driver.stream(
        graph, {"log": []}, stream_mode="values", print_mode="updates", subgraphs=True
    )
    ns = chunks[1][0]
    assert ns[0].startswith("sub:")
    assert capsys.readouterr().out.splitlines() == [
        f"{BOLD_UPDATES}\x1b[1;30;33m[graph={ns!r}]\x1b[0m {{'a': {{'log': ['a']}}}}",
        BOLD_UPDATES + "{'sub': {'log': ['a']}}",
    ]


def test_without_print_mode_nothing_is_printed(driver, capsys) -> None:
    driver.run(_leaf(), {"log": []})
    driver.stream(_leaf(), {"log": []}, stream_mode="updates")
    assert capsys.readouterr().out == ""


def _values_updates_lines() -> list[str]:
    return [
        "\x1b[1m[values]\x1b[0m {'log': []}",
        BOLD_UPDATES + "{'a': {'log': ['a']}}",
        "\x1b[1m[values]\x1b[0m {'log': ['a']}",
    ]


def test_debug_true_prints_updates_and_values(driver, capsys) -> None:
    assert driver.stream(_leaf(), {"log": []}, stream_mode="updates", debug=True) == [
        {"a": {"log": ["a"]}}
    ]
    assert capsys.readouterr().out.splitlines() == _values_updates_lines()
    assert driver.run(_leaf(), {"log": []}, debug=True) == {"log": ["a"]}
    assert capsys.readouterr().out.splitlines() == _values_updates_lines()


def test_a_graph_compiled_with_debug_prints_every_run(driver, capsys) -> None:
    graph = StateGraph(S).add_node("a", lambda s: {"log": ["a"]}).add_edge(START, "a")
    assert driver.run(graph.compile(debug=True), {"log": []}) == {"log": ["a"]}
    assert capsys.readouterr().out.splitlines() == _values_updates_lines()
