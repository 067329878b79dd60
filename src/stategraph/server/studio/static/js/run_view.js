// Start a run of an assistant (new thread or an existing one) and watch it stream.
import { api } from "./api.js";
import { listAssistants, schemasOf } from "./assistants.js";
import { errorBox, h } from "./dom.js";
import { GraphView } from "./graph_view.js";
import { JsonEditor } from "./json_editor.js";
import { RunPanel } from "./run_panel.js";

function defaultInput(schema) {
  const props = (schema && schema.properties) || {};
  if ("messages" in props) return { messages: [{ role: "user", content: "Hello" }] };
  return {};
}

function isEmpty(value) {
  return value === null || (typeof value === "object" && Object.keys(value).length === 0);
}

export async function runView(root, [assistantId, threadId]) {
  const assistants = await listAssistants();
  const assistant = assistants.find((a) => a.assistant_id === assistantId || a.graph_id === assistantId) || assistants[0];
  if (!assistant) return root.append(h("p", { class: "empty" }, "No assistants to run."));
  const schemas = await schemasOf(assistant.assistant_id);
  const input = new JsonEditor({ value: defaultInput(schemas && schemas.input_schema), schema: schemas && schemas.input_schema, name: "input" });
  const context = new JsonEditor({ value: assistant.context || {}, schema: schemas && schemas.context_schema, rows: 3, name: "context" });
  const thread = h("input", { type: "text", name: "thread", placeholder: "new thread", value: threadId || "" });
  const graph = new GraphView();
  const panel = new RunPanel(graph);
  const links = h("div", { class: "run-links" });
  const start = h("button", { class: "primary", "data-action": "start-run" }, "▶ Start run");
  const picker = h("select", { name: "assistant", onchange: (e) => { location.hash = `#/run/${e.target.value}`; } },
    assistants.map((a) => h("option", { value: a.assistant_id, selected: a === assistant }, a.name || a.graph_id)));
  start.addEventListener("click", () => startRun({ assistant, input, context, thread, panel, links, start }));
  const form = h("section", { class: "card side run-form" }, h("h2", {}, "New run"),
    h("label", {}, "Assistant", picker), h("label", {}, "Thread id", thread),
    h("label", {}, "Input"), input.el, h("label", {}, "Context"), context.el,
    schemas ? null : h("p", { class: "muted", "data-note": "no-schemas" }, "This server has no /schemas route: JSON is checked for syntax only."),
    start, links);
  root.append(h("div", { class: "split" }, form,
    h("section", { class: "card grow" }, h("h2", {}, `Graph · ${assistant.name || assistant.graph_id}`), graph.el, panel.el)));
  graph.load(assistant.assistant_id).catch((error) => graph.el.append(errorBox(error)));
}

async function startRun({ assistant, input, context, thread, panel, links, start }) {
  const payload = input.read();
  const ctx = context.read();
  if (!payload.ok || !ctx.ok) return;
  start.disabled = true;
  links.replaceChildren();
  try {
    let threadId = thread.value.trim();
    if (!threadId) {
      threadId = (await api("POST", "/threads", { metadata: { graph_id: assistant.graph_id } })).thread_id;
      thread.value = threadId;
    }
    const body = { assistant_id: assistant.assistant_id, input: payload.value };
    if (!isEmpty(ctx.value)) body.context = ctx.value;
    const status = await panel.run(threadId, body);
    links.append(h("a", { class: "button", href: `#/thread/${threadId}`, "data-action": "open-history" }, "Open history"));
    if (status === "interrupted") links.append(h("a", { class: "button", href: "#/inbox" }, "Answer in the inbox"));
  } catch (error) {
    links.append(errorBox(error));
  } finally {
    start.disabled = false;
  }
}
