// Threads with their status; filter by status, search by text (id, graph, values) or by a JSON
// metadata filter such as {"graph_id": "agent"}.
import { api } from "./api.js";
import { assistantOfThread } from "./assistants.js";
import { errorBox, h, shortId, when } from "./dom.js";

const STATUSES = ["", "idle", "busy", "interrupted", "error"];

function preview(value) {
  const text = JSON.stringify(value ?? {});
  return text.length > 90 ? `${text.slice(0, 87)}…` : text;
}

function queryOf(status, text) {
  const body = { limit: 100, sort_by: "updated_at", sort_order: "desc" };
  if (status) body.status = status;
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    try {
      return { body: { ...body, metadata: JSON.parse(trimmed) }, words: "" };
    } catch (_) {
      // not JSON: searched as plain text below
    }
  }
  return { body, words: trimmed.toLowerCase() };
}

function row(thread) {
  return h("tr", { class: "thread-row", "data-thread": thread.thread_id, "data-status": thread.status },
    h("td", {}, h("a", { href: `#/thread/${thread.thread_id}` }, h("code", {}, shortId(thread.thread_id)))),
    h("td", {}, h("span", { class: `badge ${thread.status}` }, thread.status)),
    h("td", {}, assistantOfThread(thread) ? (thread.metadata.graph_id || shortId(assistantOfThread(thread))) : "—"),
    h("td", { class: "muted" }, when(thread.updated_at)),
    h("td", {}, h("code", { class: "preview" }, preview(thread.values))));
}

export async function threadsView(root) {
  const status = h("select", { name: "status" }, STATUSES.map((s) => h("option", { value: s }, s || "any status")));
  const text = h("input", { type: "search", name: "search", placeholder: "search id, graph, values… or {\"key\": \"value\"} metadata" });
  const table = h("tbody");
  const note = h("div", { class: "muted" });
  const refresh = async () => {
    const { body, words } = queryOf(status.value, text.value);
    try {
      const threads = await api("POST", "/threads/search", body);
      const shown = threads.filter((t) => !words || JSON.stringify(t).toLowerCase().includes(words));
      table.replaceChildren(...shown.map(row));
      note.textContent = `${shown.length} thread(s)`;
    } catch (error) {
      table.replaceChildren();
      note.replaceChildren(errorBox(error));
    }
  };
  const form = h("form", { class: "row", onsubmit: (e) => { e.preventDefault(); refresh(); } },
    status, text, h("button", { type: "submit", "data-action": "search-threads" }, "Search"));
  status.addEventListener("change", refresh);
  root.append(h("section", { class: "card" }, h("h2", {}, "Threads"), form, note,
    h("table", { class: "threads" }, h("thead", {}, h("tr", {}, ["Thread", "Status", "Graph", "Updated", "Values"].map((c) => h("th", {}, c)))), table)));
  await refresh();
}
