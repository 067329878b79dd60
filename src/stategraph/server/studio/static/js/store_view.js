// The long-term store: namespaces, the items under one, and (semantic) search.
import { api } from "./api.js";
import { errorBox, h, json, when } from "./dom.js";

function itemRow(item) {
  return h("tr", { class: "store-item", "data-key": item.key },
    h("td", {}, h("code", {}, item.namespace.join("."))),
    h("td", {}, h("code", {}, item.key)),
    h("td", {}, json(item.value)),
    h("td", { class: "muted" }, item.score === undefined || item.score === null ? "" : Number(item.score).toFixed(3)),
    h("td", { class: "muted" }, when(item.updated_at)));
}

export async function storeView(root) {
  const namespaces = h("ul", { class: "namespace-list" });
  const results = h("tbody");
  const note = h("div", { class: "muted" });
  const prefix = h("input", { type: "text", name: "prefix", placeholder: "namespace prefix, e.g. users" });
  const query = h("input", { type: "search", name: "query", placeholder: "semantic query (needs a store index)" });
  const search = async () => {
    const body = { limit: 50 };
    if (prefix.value.trim()) body.namespace_prefix = prefix.value.trim().split(".");
    if (query.value.trim()) body.query = query.value.trim();
    try {
      const { items } = await api("POST", "/store/items/search", body);
      results.replaceChildren(...items.map(itemRow));
      note.textContent = `${items.length} item(s)`;
    } catch (error) {
      results.replaceChildren();
      note.replaceChildren(errorBox(error));
    }
  };
  const form = h("form", { class: "row", onsubmit: (e) => { e.preventDefault(); search(); } },
    prefix, query, h("button", { type: "submit", "data-action": "search-store" }, "Search"));
  root.append(h("div", { class: "split" },
    h("section", { class: "card side" }, h("h2", {}, "Namespaces"), namespaces),
    h("section", { class: "card grow" }, h("h2", {}, "Items"), form, note,
      h("table", { class: "store" }, h("thead", {}, h("tr", {}, ["Namespace", "Key", "Value", "Score", "Updated"].map((c) => h("th", {}, c)))), results))));
  try {
    const listed = await api("POST", "/store/namespaces", { limit: 100 });
    namespaces.replaceChildren(...listed.namespaces.map((ns) => h("li", {},
      h("a", { href: "#/store", "data-namespace": ns.join("."), onclick: (e) => { e.preventDefault(); prefix.value = ns.join("."); query.value = ""; search(); } }, ns.join(" / ")))));
    if (!listed.namespaces.length) namespaces.append(h("li", { class: "muted" }, "The store is empty."));
  } catch (error) {
    namespaces.replaceChildren(errorBox(error));
  }
  await search();
}
