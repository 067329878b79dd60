"""Tests for the drawable graph: build_drawable, mermaid text, xray inlining, ASCII art."""

# why: over 400 lines: every drawing format checked on the same set of graphs.

from __future__ import annotations

import re

import pytest

from stategraph.constants import END, START
from stategraph.errors import StategraphError
from stategraph.graph._draw import CurveStyle, Edge, Graph, Node, NodeStyles, build_drawable
from stategraph.graph._draw._ascii import BOX_HEIGHT, V_GAP, plan_ascii

# -- a small mermaid reader, so tests compare structure and not whitespace ----------
_EDGE = re.compile(
    r"^(?P<src>\S+) (?:(?P<solid>-->)|(?P<dotted>-\.->)|-\. &nbsp;(?P<dl>.*?)&nbsp; \.->"
    r"|-- &nbsp;(?P<sl>.*?)&nbsp; -->) (?P<dst>[^\s;]+);$"
)
_NODE = re.compile(r"^(?P<id>[^\s(]+)(?:\(\[(?P<term>.*)\]\):::(?P<cls>\w+)|\((?P<label>.*)\))$")


def parse(text: str) -> dict:
    """Return nodes {id: label}, edges {(src, dst, style, label)}, blocks [(name, depth)]."""
    nodes: dict[str, str] = {}
    edges: set[tuple[str, str, str, str]] = set()
    blocks: list[tuple[str, int]] = []
    depth = 0
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("subgraph "):
            blocks.append((line.removeprefix("subgraph "), depth))
            depth += 1
        elif line == "end":
            depth -= 1
        elif m := _EDGE.match(line):
            dotted = m["dotted"] is not None or m["dl"] is not None
            label = m["dl"] or m["sl"] or ""
            edges.add((m["src"], m["dst"], "dotted" if dotted else "solid", label))
        elif m := _NODE.match(line):
            label = m["label"] if m["label"] is not None else f"{m['term']}:::{m['cls']}"
            nodes[m["id"]] = label
    assert depth == 0, "unbalanced subgraph/end"
    return {"nodes": nodes, "edges": edges, "blocks": blocks}


def edge_set(graph: Graph) -> set[tuple[str, str, bool, object]]:
    return {(e.source, e.target, e.conditional, e.data) for e in graph.edges}


# -- fixtures: the graph of conformance scenario 087 ---------------------------------
def child_087(depth: int | bool) -> Graph:
    return build_drawable(
        nodes=["inner"],
        edges=[(START, "inner"), ("inner", END)],
        branches=[],
        subgraphs={},
        xray=depth,
    )


def parent_087(xray: int | bool) -> Graph:
    return build_drawable(
        nodes=["router", "left", "right", "child"],
        edges=[(START, "router"), ("left", "child"), ("right", "child"), ("child", END)],
        branches=[
            ("router", {"left": "left", "right": "right", "stop": END}, ["left", "right", END])
        ],
        subgraphs={"child": child_087},
        xray=xray,
    )


def test_087_collapsed_mermaid_structure():
    text = parent_087(False).draw_mermaid()
    assert text.startswith("---\nconfig:\n  flowchart:\n    curve: linear\n---\ngraph TD;\n")
    got = parse(text)
    assert got["nodes"] == {
        "__start__": "<p>__start__</p>:::first",
        "router": "router",
        "left": "left",
        "right": "right",
        "child": "child",
        "__end__": "<p>__end__</p>:::last",
    }
    assert got["edges"] == {
        ("__start__", "router", "solid", ""),
        ("left", "child", "solid", ""),
        ("right", "child", "solid", ""),
        ("router", "__end__", "dotted", "stop"),
        ("router", "left", "dotted", ""),
        ("router", "right", "dotted", ""),
        ("child", "__end__", "solid", ""),
    }
    assert got["blocks"] == []
    assert text.endswith(
        "\tclassDef default fill:#f2f0ff,line-height:1.2\n"
        "\tclassDef first fill-opacity:0\n\tclassDef last fill:#bfb6fc\n"
    )


def test_087_xray_inlines_child_in_a_subgraph_block():
    graph = parent_087(True)
    assert list(graph.nodes) == ["__start__", "router", "left", "right", "__end__", "child:inner"]
    assert graph.nodes["child:inner"].name == "inner"
    got = parse(graph.draw_mermaid())
    assert got["nodes"]["child\\3ainner"] == "inner"
    assert "child" not in got["nodes"]
    assert ("left", "child\\3ainner", "solid", "") in got["edges"]
    assert ("child\\3ainner", "__end__", "solid", "") in got["edges"]
    assert got["blocks"] == [("child", 0)]
    block = graph.draw_mermaid().split("\tsubgraph child\n")[1].split("\tend\n")[0]
    assert block == "\tchild\\3ainner(inner)\n"


def test_edges_keep_langgraph_order_solid_end_edges_last():
    graph = parent_087(False)
    assert [(e.source, e.target) for e in graph.edges] == [
        ("__start__", "router"),
        ("left", "child"),
        ("right", "child"),
        ("router", "__end__"),
        ("router", "left"),
        ("router", "right"),
        ("child", "__end__"),
    ]
    assert graph.edges[3] == Edge("router", "__end__", "stop", True)


# -- edges and labels --------------------------------------------------------------
def test_sequence_edges_and_nodes():
    graph = build_drawable(
        nodes=["alpha", "beta", "gamma"],
        edges=[(START, "alpha"), ("alpha", "beta"), ("beta", "gamma")],
        branches=[],
        subgraphs={},
        xray=False,
    )
    assert sorted(graph.nodes) == ["__end__", "__start__", "alpha", "beta", "gamma"]
    # gamma has no way out: it ends the run
    assert sorted([e.source, e.target] for e in graph.edges) == [
        ["__start__", "alpha"],
        ["alpha", "beta"],
        ["beta", "gamma"],
        ["gamma", "__end__"],
    ]
    assert isinstance(graph.nodes["alpha"], Node)


def test_literal_routers_give_dotted_unlabelled_edges():
    graph = build_drawable(
        nodes=["work", "skip"],
        edges=[("skip", END)],
        branches=[(START, None, ["work", "skip"]), ("work", None, ["work", END])],
        subgraphs={},
        xray=False,
    )
    assert sorted([e.source, e.target, e.conditional] for e in graph.edges) == [
        ["__start__", "skip", True],
        ["__start__", "work", True],
        ["skip", "__end__", False],
        ["work", "__end__", True],
        ["work", "work", True],
    ]
    assert all(e.data is None for e in graph.edges)
    lines = graph.draw_mermaid().splitlines()
    edge_lines = [line for line in lines if "->" in line]
    assert edge_lines[-1] == "\twork -.-> work;", "self-loops are drawn last"


def test_path_map_labels_only_where_label_differs():
    graph = build_drawable(
        nodes=["a", "b"],
        edges=[(START, "a"), ("b", END)],
        branches=[("a", {"b": "b", "finish": END, "again": "a"}, [])],
        subgraphs={},
        xray=False,
    )
    assert edge_set(graph) == {
        (START, "a", False, None),
        ("a", "b", True, None),
        ("a", END, True, "finish"),
        ("a", "a", True, "again"),
        ("b", END, False, None),
    }
    assert "\ta -. &nbsp;finish&nbsp; .-> __end__;" in graph.draw_mermaid()


def test_solid_edge_hides_dotted_twin_and_duplicates_collapse():
    graph = build_drawable(
        nodes=["a", "b"],
        edges=[(START, "a"), ("a", "b"), ("a", "b")],
        branches=[("a", None, ["b"]), ("a", None, ["b"])],
        subgraphs={},
        xray=False,
    )
    # LangGraph keeps the first of its sorted edges per pair, and a solid one sorts first
    assert [e for e in graph.edges if e.source == "a"] == [Edge("a", "b", None, False)]


def test_waiting_edge_sources_drawn_solid():
    graph = build_drawable(
        nodes=["a", "b", "c"],
        edges=[(START, "a"), (START, "b"), ("a", "c"), ("b", "c"), ("c", END)],
        branches=[],
        subgraphs={},
        xray=False,
    )
    assert {("a", "c", False, None), ("b", "c", False, None)} <= edge_set(graph)


def test_unreachable_nodes_are_listed_but_their_edges_not_drawn():
    # 'a' routes with no known targets: it is drawn ending the run (solid),
    # and b/c cannot be reached, so their edges are not drawn.
    graph = build_drawable(
        nodes=["a", "b", "c"],
        edges=[(START, "a"), ("b", END), ("c", END)],
        branches=[("a", None, [])],
        subgraphs={},
        xray=False,
    )
    assert list(graph.nodes) == ["__start__", "a", "b", "c", "__end__"]
    assert edge_set(graph) == {(START, "a", False, None), ("a", END, False, None)}


def test_start_with_target_less_branch_goes_dotted_to_end():
    graph = build_drawable(
        nodes=["a"], edges=[("a", END)], branches=[(START, None, [])], subgraphs={}, xray=False
    )
    assert edge_set(graph) == {(START, END, True, None)}


def test_end_node_only_when_something_reaches_it():
    graph = build_drawable(
        nodes=["a", "b"],
        edges=[(START, "a")],
        branches=[("a", None, ["a", "b"]), ("b", None, ["a", "b"])],
        subgraphs={},
        xray=False,
    )
    assert list(graph.nodes) == ["__start__", "a", "b"]
    assert graph.last_node() is None
    assert ":::last" not in graph.draw_mermaid()


# -- xray ----------------------------------------------------------------------------
def _inner(depth: int | bool) -> Graph:
    return build_drawable(
        nodes=["i1", "i2", "i3"],
        edges=[(START, "i1"), (START, "i2"), ("i2", END), ("i3", END)],
        branches=[("i1", {"a": "i3", "b": END}, [])],
        subgraphs={},
        xray=depth,
    )


def _mid(depth: int | bool) -> Graph:
    return build_drawable(
        nodes=["m1", "inner"],
        edges=[(START, "m1"), ("m1", "inner"), ("inner", END)],
        branches=[],
        subgraphs={"inner": _inner},
        xray=depth,
    )


def _top(xray: int | bool) -> Graph:
    return build_drawable(
        nodes=["t1", "mid", "t2"],
        edges=[(START, "t1"), ("t1", "mid"), ("t2", END)],
        branches=[("mid", {"again": "t1", "t2": "t2"}, [])],
        subgraphs={"mid": _mid},
        xray=xray,
        node_metadata={"t1": {"k": "v"}},
    )


def test_xray_depth_one_expands_one_level():
    graph = _top(1)
    assert "mid:inner" in graph.nodes and "mid:inner:i1" not in graph.nodes
    assert ("t1", "mid:m1", False, None) in edge_set(graph)
    assert ("mid:inner", "t1", True, "again") in edge_set(graph)
    got = parse(graph.draw_mermaid())
    assert got["blocks"] == [("mid", 0)]
    assert ("mid\\3am1", "mid\\3ainner", "solid", "") in got["edges"]


@pytest.mark.parametrize("xray", [2, True])
def test_xray_deep_keeps_untrimmable_start_and_end(xray):
    graph = _top(xray)
    # inner's START has two edges out and its END three in: both stay, prefixed
    assert {"mid:inner:__start__", "mid:inner:__end__", "mid:inner:i3"} <= set(graph.nodes)
    assert ("mid:m1", "mid:inner:__start__", False, None) in edge_set(graph)
    assert ("mid:inner:__end__", "t2", True, None) in edge_set(graph)
    text = graph.draw_mermaid()
    got = parse(text)
    assert got["blocks"] == [("mid", 0), ("inner", 1)]
    assert got["nodes"]["mid\\3ainner\\3a__start__"] == "<p>__start__</p>"
    assert ("mid\\3ainner\\3ai1", "mid\\3ainner\\3ai3", "dotted", "a") in got["edges"]
    # the edge between two levels is written inside the outer block, before the inner one
    mid_block = text.split("\tsubgraph mid\n")[1].split("\tsubgraph inner\n")[0]
    assert "\tmid\\3am1 --> mid\\3ainner\\3a__start__;\n" in mid_block


def test_xray_passes_decremented_depth_and_false_never_calls():
    calls: list[int | bool] = []

    def child(depth: int | bool) -> Graph:
        calls.append(depth)
        return child_087(depth)

    def parent(xray: int | bool) -> Graph:
        return build_drawable(
            nodes=["c"],
            edges=[(START, "c"), ("c", END)],
            branches=[],
            subgraphs={"c": child},
            xray=xray,
        )

    parent(False)
    parent(0)
    assert calls == []
    parent(3)
    parent(True)
    assert calls == [2, True]


def test_xray_child_without_single_exit_stays_collapsed():
    def child(depth: int | bool) -> Graph:
        return build_drawable(
            nodes=["a", "b"],
            edges=[(START, "a")],
            branches=[("a", None, ["a", "b"]), ("b", None, ["a", "b"])],
            subgraphs={},
            xray=depth,
        )

    graph = build_drawable(
        nodes=["p", "ch"],
        edges=[(START, "p"), ("p", "ch"), ("ch", END)],
        branches=[],
        subgraphs={"ch": child},
        xray=True,
    )
    assert list(graph.nodes) == ["__start__", "p", "ch", "__end__"]


def test_xray_cyclic_child_keeps_its_start_and_end():
    def child(depth: int | bool) -> Graph:
        return build_drawable(
            nodes=["a", "b"],
            edges=[(START, "a"), ("a", "b")],
            branches=[("b", {"loop": "a", "done": END}, [])],
            subgraphs={},
            xray=depth,
        )

    graph = build_drawable(
        nodes=["p", "c"],
        edges=[(START, "p"), ("p", "c"), ("c", END)],
        branches=[],
        subgraphs={"c": child},
        xray=True,
    )
    assert ("p", "c:__start__", False, None) in edge_set(graph)
    assert ("c:__end__", END, False, None) in edge_set(graph)
    assert ("c:b", "c:a", True, "loop") in edge_set(graph)


def test_xray_does_not_mutate_the_child_graph():
    child = child_087(True)
    build_drawable(
        nodes=["c"],
        edges=[(START, "c"), ("c", END)],
        branches=[],
        subgraphs={"c": lambda depth: child},
        xray=True,
    )
    assert list(child.nodes) == ["__start__", "inner", "__end__"]


# -- mermaid options ---------------------------------------------------------------
def test_escaping_metadata_and_unstyled_output():
    graph = build_drawable(
        nodes=["b c", "x.y", "ünï"],
        edges=[(START, "b c"), ("b c", "x.y"), ("x.y", "ünï"), ("ünï", END)],
        branches=[],
        subgraphs={},
        xray=False,
        node_metadata={"b c": {"one": 1, "two": [2, 3], "none": None}},
    )
    text = graph.draw_mermaid()
    assert "\tb\\20c(b c<hr/><small><em>one = 1\ntwo = 2, 3</em></small>)" in text
    assert "\tb\\20c --> x\\2ey;" in text
    assert "\tx\\2ey --> \\fcn\\ef;" in text
    plain = graph.draw_mermaid(with_styles=False)
    assert plain.startswith("graph TD;\n") and "classDef" not in plain and "(" not in plain
    assert len(parse(plain)["edges"]) == 4


def test_frontmatter_curve_wrap_and_colors():
    graph = build_drawable(
        nodes=["a"],
        edges=[("a", END)],
        branches=[(START, {"one two three four five": "a"}, [])],
        subgraphs={},
        xray=False,
    )
    text = graph.draw_mermaid(
        curve_style=CurveStyle.BASIS,
        wrap_label_n_words=2,
        frontmatter_config={
            "config": {"theme": "neutral", "flowchart": {"curve": "step"}},
            "title": "T: x",
        },
        node_colors=NodeStyles(first="fill:#000"),
    )
    assert text.startswith(
        "---\nconfig:\n  flowchart:\n    curve: basis\n  theme: neutral\n"
        "title: 'T: x'\n---\ngraph TD;\n"
    )
    assert (
        "\t__start__ -. &nbsp;one two&nbsp<br>&nbspthree four&nbsp<br>&nbspfive&nbsp; .-> a;"
    ) in text
    assert "\tclassDef first fill:#000\n" in text


# -- Graph API -------------------------------------------------------------------------
def test_graph_api_queries_and_json():
    graph = Graph()
    a = graph.add_node(None, "a", metadata={"k": 1})
    graph.add_node(None, "b")
    graph.add_edge(a, "b", data="go", conditional=True)
    assert graph.first_node() == a and graph.last_node().id == "b"
    assert graph.to_json() == {
        "nodes": [{"id": "a", "metadata": {"k": 1}}, {"id": "b"}],
        "edges": [{"source": "a", "target": "b", "data": "go", "conditional": True}],
    }
    with pytest.raises(StategraphError, match="already in the drawing"):
        graph.add_node(None, "a")
    with pytest.raises(StategraphError, match="'zz' is not a node"):
        graph.add_edge("a", "zz")
    graph.remove_node("b")
    assert graph.edges == [] and list(graph.nodes) == ["a"]


def test_extend_prefixes_ids_and_returns_ends():
    outer, inner = Graph(), Graph()
    for name in ("x", "y"):
        inner.add_node(None, name)
    inner.add_edge("x", "y")
    first, last = outer.extend(inner, prefix="sub")
    assert (first.id, first.name, last.id) == ("sub:x", "x", "sub:y")
    assert outer.edges == [Edge("sub:x", "sub:y")]


def _chain(*pairs: tuple[str, str]) -> Graph:
    graph = Graph()
    for name in dict.fromkeys(n for pair in pairs for n in pair):
        graph.add_node(None, name)
    for source, target in pairs:
        graph.add_edge(source, target)
    return graph


def test_trim_first_node_only_with_one_edge_out_and_a_clear_successor():
    graph = _chain(("s", "a"), ("s", "b"), ("a", "b"), ("b", "e"))
    graph.trim_first_node()  # two edges out: kept even though 'a' would be the entry
    assert "s" in graph.nodes
    graph = _chain(("s", "a"), ("a", "b"), ("b", "a"), ("b", "e"))
    graph.trim_first_node()  # without 's' nothing is the single entry
    assert "s" in graph.nodes
    graph = _chain(("s", "a"), ("a", "e"))
    graph.trim_first_node()
    assert list(graph.nodes) == ["a", "e"] and graph.first_node().id == "a"


def test_trim_last_node_only_with_one_edge_in_and_a_clear_predecessor():
    graph = _chain(("s", "a"), ("s", "b"), ("a", "e"), ("b", "e"))
    graph.trim_last_node()
    assert "e" in graph.nodes
    graph = _chain(("s", "a"), ("a", "b"), ("a", "e"), ("b", "e"))
    graph.trim_last_node()  # two edges in, although 'b' would then be the exit
    assert "e" in graph.nodes
    graph = _chain(("s", "a"), ("a", "e"))
    graph.trim_last_node()
    assert list(graph.nodes) == ["s", "a"] and graph.last_node().id == "a"


def test_mermaid_png_is_refused_as_it_would_need_a_web_service():
    with pytest.raises(StategraphError, match="draw_png"):
        parent_087(False).draw_mermaid_png()


def test_repr_mimebundle_offers_text_and_mermaid():
    bundle = parent_087(False)._repr_mimebundle_()
    assert "| router |" in bundle["text/plain"]
    assert bundle["text/markdown"].startswith("```mermaid\n---\n")


# -- ASCII -----------------------------------------------------------------------------
def test_ascii_chain_exact():
    graph = build_drawable(
        nodes=["a"], edges=[(START, "a"), ("a", END)], branches=[], subgraphs={}, xray=False
    )
    assert graph.draw_ascii() == (
        "+-----------+\n"
        "| __start__ |\n"
        "+-----------+\n"
        "      *\n"
        "      *\n"
        "      v\n"
        "    +---+\n"
        "    | a |\n"
        "    +---+\n"
        "      *\n"
        "      *\n"
        "      v\n"
        " +---------+\n"
        " | __end__ |\n"
        " +---------+\n"
    )


def _check_paths(graph: Graph) -> str:
    """Assert every edge is traced end to end and painted; return the drawing."""
    plan = plan_ascii(graph)
    text = graph.draw_ascii()
    rows = text.splitlines()
    assert set(plan.paths) == set(range(len(graph.edges)))
    for index, edge in enumerate(graph.edges):
        cells = plan.paths[index]
        for (x0, y0), (x1, y1) in zip(cells, cells[1:], strict=False):
            assert max(abs(x1 - x0), abs(y1 - y0)) == 1, f"gap in edge {edge}"
        if edge.source == edge.target:
            continue
        src, dst = plan.layout.nodes[edge.source], plan.layout.nodes[edge.target]
        step = BOX_HEIGHT + V_GAP
        upper, lower = (dst, src) if src.layer > dst.layer else (src, dst)
        assert cells[0][1] == upper.layer * step + BOX_HEIGHT
        assert cells[-1][1] == lower.layer * step - 1
        drawn = sum(1 for x, y in cells if x < len(rows[y]) and rows[y][x] in "*.v^")
        assert drawn == len(cells), f"edge {edge} is hidden"
    for node in graph.nodes.values():
        assert f"| {node.name} |" in text
    return text


def test_ascii_shows_every_node_and_edge_of_branchy_graph():
    text = _check_paths(parent_087(False))
    assert "." in text and "*" in text


def test_ascii_cycles_self_loops_and_long_edges():
    graph = build_drawable(
        nodes=["a", "b", "c", "d"],
        edges=[(START, "a"), ("a", "b"), ("b", "c"), ("c", "d"), ("a", "d")],
        branches=[("d", {"again": "a", "done": END}, []), ("c", None, ["c"])],
        subgraphs={},
        xray=False,
    )
    text = _check_paths(graph)
    assert "^" in text, "the back edge d -> a enters a from below"
    assert "|<" in text, "c's self-loop hook"
    plan = plan_ascii(graph)
    long_edge = graph.edges.index(Edge("a", "d"))
    assert len({y for _, y in plan.paths[long_edge]}) > 2 * (BOX_HEIGHT + V_GAP)


def test_ascii_of_xray_graph_uses_node_names():
    text = _check_paths(_top(True))
    assert "| i3 |" in text and "| mid:inner:i3 |" not in text


def test_ascii_two_cycle_draws_both_directions_apart():
    graph = build_drawable(
        nodes=["a", "b"],
        edges=[(START, "a"), ("a", "b")],
        branches=[("b", {"loop": "a", "done": END}, [])],
        subgraphs={},
        xray=False,
    )
    plan = plan_ascii(graph)
    down = plan.paths[graph.edges.index(Edge("a", "b"))]
    up = plan.paths[graph.edges.index(Edge("b", "a", "loop", True))]
    assert not set(down) & set(up)
    rows = _check_paths(graph).splitlines()
    assert {rows[y][x] for x, y in down} == {"*", "v"}
    assert {rows[y][x] for x, y in up} == {".", "^"}


def test_deferred_node_is_drawn_with_defer_metadata() -> None:
    from typing import TypedDict

    from stategraph.graph import StateGraph

    class State(TypedDict, total=False):
        x: int

    g = StateGraph(State)
    g.add_node("a", lambda s: {}, metadata={"k": "v"}).add_node("d", lambda s: {}, defer=True)
    g.add_edge(START, "a").add_edge("a", "d")
    drawable = g.compile().get_graph()
    assert drawable.nodes["d"].metadata == {"defer": True}
    assert drawable.nodes["a"].metadata == {"k": "v"}
    assert "d(d<hr/><small><em>defer = True</em></small>)" in drawable.draw_mermaid()


def test_mermaid_subgraph_blocks_follow_langgraphs_edge_rules():
    # top: START -> p -> mid:m1 -> mid:inner:deep -> END, and a lone top-level "solo:only"
    g = Graph()
    for node_id in (START, "p", "mid:m1", "mid:inner:deep", "solo:only", "loop:l", END):
        g.add_node(None, node_id, name=node_id.rsplit(":", 1)[-1])
    for src, dst in (
        (START, "p"),
        ("p", "mid:m1"),
        ("mid:m1", "mid:inner:deep"),
        ("mid:inner:deep", END),
        ("p", "solo:only"),
        ("loop:l", "loop:l"),
    ):
        g.add_edge(src, dst)
    got = parse(g.draw_mermaid())
    # mid:inner has no edge of its own: no block and its node is not declared (LangGraph's output);
    # solo has none either but is top level: still drawn, after the others; loop's only edge is a
    # self-loop: no block and no declaration, the edge alone
    assert got["blocks"] == [("mid", 0), ("solo", 0)]
    assert "mid\\3ainner\\3adeep" not in got["nodes"] and "loop\\3al" not in got["nodes"]
    assert got["nodes"]["solo\\3aonly"] == "only" and got["nodes"]["mid\\3am1"] == "m1"
    assert ("mid\\3am1", "mid\\3ainner\\3adeep", "solid", "") in got["edges"]
    assert ("loop\\3al", "loop\\3al", "solid", "") in got["edges"]


def test_a_branch_without_known_destinations_draws_nothing_from_its_node():
    from typing import TypedDict

    from stategraph.graph import StateGraph

    class S(TypedDict):
        v: int

    def route(state: S) -> str:  # neither a path map nor a Literal return type
        return "f"

    def node(state: S) -> dict:
        return {}

    mid = StateGraph(S).add_node("a", node).add_node("f", node).add_edge(START, "a")
    mid = mid.add_conditional_edges("a", route).add_edge("f", END).compile()
    # LangGraph infers edges it can see: "a" ends the run (solid), "f" is unreachable
    assert edge_set(mid.get_graph()) == {(START, "a", False, None), ("a", END, False, None)}
    first = (
        StateGraph(S)
        .add_node("f", node)
        .add_conditional_edges(START, route)
        .add_edge("f", END)
        .compile()
    )
    assert edge_set(first.get_graph()) == {(START, END, True, None)}


def test_nodes_show_interrupts_tools_and_defer_in_their_metadata():
    from typing import TypedDict

    from stategraph.graph import StateGraph
    from stategraph.prebuilt import ToolNode

    class S(TypedDict):
        messages: list

    def ping() -> str:
        """Ping."""
        return "pong"

    def node(state: S) -> dict:
        return {}

    g = StateGraph(S).add_node("a", node, metadata={"k": "v"}).add_node("tools", ToolNode([ping]))
    g = (
        g.add_node("d", node, defer=True)
        .add_edge(START, "a")
        .add_edge("a", "tools")
        .add_edge("tools", "d")
    )
    app = g.compile(interrupt_before=["tools", "a"], interrupt_after=["a"])
    meta = {k: n.metadata for k, n in app.get_graph().nodes.items()}
    assert meta["a"] == {"k": "v", "__interrupt": "before,after"}
    assert meta["tools"] == {"__interrupt": "before", "__tools": ["ping"]}
    assert meta["d"] == {"defer": True}
    assert "__interrupt = before,after</em>" in app.get_graph().draw_mermaid()
    star = g.compile(interrupt_before="*")  # "*" lists no node by name: nothing is shown
    assert star.get_graph().nodes["a"].metadata == {"k": "v"}


def test_a_plain_edge_and_a_branch_to_the_same_node_draw_solid():
    from typing import TypedDict

    from stategraph.graph import StateGraph

    class S(TypedDict):
        x: int

    def route(state: S) -> str:
        return "b"

    def node(state: S) -> dict:
        return {}

    g = StateGraph(S).add_node("b", node).add_node("c", node).add_edge(START, "b")
    app = (
        g.add_conditional_edges("b", route, ["b", "c"])
        .add_edge("b", "c")
        .add_edge("c", END)
        .compile()
    )
    got = parse(app.get_graph().draw_mermaid())["edges"]
    assert ("b", "c", "solid", "") in got and ("b", "c", "dotted", "") not in got
    assert ("b", "b", "dotted", "") in got


def test_curve_style_of_another_enum_draws_its_value() -> None:
    import enum

    class Curve(enum.Enum):  # e.g. langchain-core's CurveStyle
        STEP = "step"

    graph = build_drawable(nodes=["a"], edges=[(START, "a"), ("a", END)], branches=[], subgraphs={}, xray=False)
    assert "    curve: step\n" in graph.draw_mermaid(curve_style=Curve.STEP)
