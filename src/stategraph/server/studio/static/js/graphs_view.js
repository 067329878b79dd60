// Landing page: every assistant, and the graph of the selected one (the first by default).
import { listAssistants } from "./assistants.js";
import { errorBox, h, shortId } from "./dom.js";
import { GraphView } from "./graph_view.js";

export async function graphsView(root, [selected]) {
  const assistants = await listAssistants();
  if (!assistants.length) {
    root.append(h("p", { class: "empty" }, "This server serves no graphs: add one to langgraph.json."));
    return;
  }
  const current = assistants.find((a) => a.assistant_id === selected || a.graph_id === selected) || assistants[0];
  const list = h("ul", { class: "assistant-list" }, assistants.map((a) =>
    h("li", { class: a === current ? "selected" : "", "data-assistant": a.assistant_id },
      h("a", { href: `#/graphs/${a.assistant_id}` }, h("strong", {}, a.name || a.graph_id)),
      h("div", { class: "muted" }, `graph ${a.graph_id} · v${a.version ?? 1} · ${shortId(a.assistant_id)}`))));
  const graph = new GraphView();
  const main = h("section", { class: "card grow" },
    h("div", { class: "row" }, h("h2", {}, current.name || current.graph_id),
      h("a", { class: "button", href: `#/run/${current.assistant_id}`, "data-action": "open-run" }, "▶ Run")),
    current.description ? h("p", { class: "muted" }, current.description) : null,
    graph.el);
  root.append(h("div", { class: "split" }, h("section", { class: "card side" }, h("h2", {}, "Assistants"), list), main));
  try {
    await graph.load(current.assistant_id);
  } catch (error) {
    graph.el.append(errorBox(error));
  }
}
