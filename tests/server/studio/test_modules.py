"""The Studio's pure JS modules, imported and called in headless Chromium.

The schema checker and the JSON editor are what validates edited state once the server has
``/assistants/{id}/schemas``; the layout and diff back the graph and history views.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("selenium", reason="selenium is not installed (pip install selenium)")

CALL = """
const [module, body, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
import(module)
  .then((m) => new Function("m", `return (async () => { ${body} })();`)(m))
  .then(done, (e) => done({thrown: String(e)}));
"""


@pytest.fixture
def call(browser: Any, studio_url: str) -> Iterator[Any]:
    browser.get(f"{studio_url}/studio/")
    browser.set_script_timeout(20)

    def run(module: str, body: str) -> Any:
        return browser.execute_async_script(CALL, f"/studio/js/{module}", body)

    yield run


SCHEMA = """
const schema = {
  type: "object", required: ["n"], additionalProperties: false,
  properties: {
    n: {type: "integer", minimum: 0},
    mode: {enum: ["fast", "slow"]},
    tags: {type: "array", items: {type: "string"}},
    owner: {anyOf: [{$ref: "#/$defs/Person"}, {type: "null"}]},
  },
  $defs: {Person: {type: "object", required: ["name"], properties: {name: {type: "string"}}}},
};
return VALUES.map((v) => m.check(schema, v));
"""


def test_schema_check_names_each_problem_and_where(call: Any) -> None:
    values = [
        {"n": 1, "mode": "fast", "tags": ["a"], "owner": {"name": "Ada"}},
        {"n": 1, "owner": None},
        {},
        {"n": "one"},
        {"n": -1},
        {"n": 1, "mode": "medium"},
        {"n": 1, "tags": ["a", 2]},
        {"n": 1, "color": "red"},
        {"n": 1, "owner": {"nom": "Ada"}},
        [],
    ]

    results = call("schema.js", SCHEMA.replace("VALUES", json.dumps(values)))
    assert results[:2] == [[], []]
    assert results[2] == ["value: missing required key 'n'"]
    assert results[3] == [".n: expected integer, got string"]
    assert results[4] == [".n: must be >= 0"]
    assert results[5] == ['.mode: must be one of ["fast","slow"]']
    assert results[6] == [".tags[1]: expected string, got integer"]
    assert results[7] == [".color: unknown key (the schema allows n, mode, tags, owner)"]
    assert results[8] == [".owner: matches none of the allowed shapes"]
    assert results[9] == ["value: expected object, got array"]


EDITOR = """
const editor = new m.JsonEditor({value: {n: 1}, schema: {type: "object", required: ["n"]}});
const first = editor.read();
editor.area.value = "{}";
const missing = editor.read();
editor.area.value = "{oops";
const broken = editor.read();
const text = new m.JsonEditor({value: undefined, allowText: true});
text.area.value = "yes please";
return {first, missing, broken, invalid: editor.el.classList.contains("invalid"),
        note: editor.note.textContent, text: text.read()};
"""


def test_json_editor_reports_syntax_and_schema_errors(call: Any) -> None:
    result = call("json_editor.js", EDITOR)
    assert result["first"] == {"ok": True, "value": {"n": 1}, "errors": []}
    assert result["missing"]["errors"] == ["value: missing required key 'n'"]
    assert result["broken"]["ok"] is False
    assert result["broken"]["errors"][0].startswith("not valid JSON")
    assert result["invalid"] is True
    assert result["note"].startswith("not valid JSON")
    assert result["text"] == {"ok": True, "value": "yes please", "errors": []}


LAYOUT = """
const nodes = ["__start__", "agent", "tools", "__end__"].map((id) => ({id, label: id}));
const edges = [
  {source: "__start__", target: "agent"},
  {source: "agent", target: "tools", conditional: true},
  {source: "agent", target: "__end__", conditional: true},
  {source: "tools", target: "agent"},
];
const out = m.layout(nodes, edges);
return {
  rows: Object.fromEntries([...out.place].map(([id, p]) => [id, Math.round((p.y - 30) / m.ROW)])),
  back: out.edges.filter((e) => e.back).map((e) => `${e.source}>${e.target}`),
};
"""


def test_layout_ranks_from_start_and_flags_the_loop_edge(call: Any) -> None:
    result = call("graph_layout.js", LAYOUT)
    assert result["rows"] == {"__start__": 0, "agent": 1, "tools": 2, "__end__": 3}
    assert result["back"] == ["tools>agent"]


DIFF = """
return {
  rows: m.diffValues({a: 1, b: [1], gone: true}, {a: 1, b: [1, 2], added: "x"}),
  changed: m.changedKeys({n: 3, log: ["x"]}, {n: 7, log: ["x"]}),
};
"""


def test_diff_lists_changes_and_a_fork_sends_only_changed_keys(call: Any) -> None:
    result = call("diff.js", DIFF)
    assert result["rows"] == [
        {"key": "b", "kind": "changed", "before": [1], "after": [1, 2]},
        {"key": "gone", "kind": "removed", "before": True, "after": None},  # undefined
        {"key": "added", "kind": "added", "before": None, "after": "x"},
    ]
    assert result["changed"] == {"n": 7}  # 'log' has a reducer: resending it would append twice


PANEL = """
const {GraphView} = await import("/studio/js/graph_view.js");
const graph = await new GraphView().load("pipeline");
document.body.append(graph.el);
const nodes = (cls) => [...graph.el.querySelectorAll(`g.node.${cls}`)].map((g) => g.getAttribute("data-node"));
const panel = new m.RunPanel(graph);
panel.handle({event: "modes", data: ["updates", "values", "messages-tuple", "tasks"]});
panel.handle({event: "tasks", data: {id: "t1", name: "double", input: {n: 3}, triggers: ["x"]}});
const during = nodes("running");
panel.handle({event: "tasks", data: {id: "t1", name: "double", error: null, interrupts: [], result: {n: 6}}});
const after = {running: nodes("running"), visited: nodes("visited")};
panel.handle({event: "updates|inner:1", data: {small: {label: "small 6"}}});
const ai = {type: "AIMessageChunk", id: "m1", content: "Hel"};
panel.handle({event: "messages", data: [ai, {langgraph_node: "agent"}]});
panel.handle({event: "messages", data: [{...ai, content: [{type: "text", text: "lo"}]}, {}]});
panel.handle({event: "messages", data: [{type: "tool", name: "get_weather", content: "sunny"}, {}]});
const tokens = [...panel.tokens.list.querySelectorAll(".token-text")].map((e) => e.textContent);
const shown = !panel.tokens.el.hidden;
panel.handle({event: "modes", data: ["updates", "values"]});
return {during, after, updates: [...panel.updates.children].map((li) => li.dataset.node),
        tokens, shown, hiddenWithoutMessages: panel.tokens.el.hidden, hasTasks: panel.live.hasTasks};
"""


def test_run_panel_follows_task_events_tokens_and_namespaced_updates(call: Any) -> None:
    result = call("run_panel.js", PANEL)
    assert result["during"] == ["double"]  # a "tasks" start highlights the node at once
    assert result["after"] == {"running": [], "visited": ["double"]}
    assert result["updates"] == ["small"]  # 'updates|<namespace>' from a subgraph
    assert result["tokens"] == ["Hello", "get_weather → sunny"]
    assert result["shown"] is True
    assert result["hiddenWithoutMessages"] is True  # no messages mode: no token pane
    assert result["hasTasks"] is False
