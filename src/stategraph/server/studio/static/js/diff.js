// The difference between a checkpoint's values and its parent's, key by key.
import { h, pretty } from "./dom.js";

export function diffValues(before, after) {
  const old = before && typeof before === "object" ? before : {};
  const now = after && typeof after === "object" ? after : {};
  const keys = [...new Set([...Object.keys(old), ...Object.keys(now)])];
  const rows = [];
  for (const key of keys) {
    const a = JSON.stringify(old[key]);
    const b = JSON.stringify(now[key]);
    if (a === b) continue;
    const kind = !(key in old) ? "added" : !(key in now) ? "removed" : "changed";
    rows.push({ key, kind, before: old[key], after: now[key] });
  }
  return rows;
}

function cell(value) {
  return value === undefined ? h("span", { class: "muted" }, "(absent)") : h("pre", { class: "json" }, pretty(value));
}

export function diffTable(before, after) {
  const rows = diffValues(before, after);
  if (!rows.length) return h("p", { class: "muted diff-empty" }, "No change from the parent checkpoint.");
  return h("table", { class: "diff" },
    h("thead", {}, h("tr", {}, h("th", {}, "key"), h("th", {}, "parent"), h("th", {}, "this checkpoint"))),
    h("tbody", {}, rows.map((r) => h("tr", { class: `diff-${r.kind}`, "data-key": r.key },
      h("td", {}, h("code", {}, r.key), h("span", { class: "muted" }, ` ${r.kind}`)),
      h("td", {}, cell(r.before)),
      h("td", {}, cell(r.after))))));
}

// Only the keys `edited` changes from `original`: what a fork sends, so reducers see no repeats.
export function changedKeys(original, edited) {
  const out = {};
  for (const [key, value] of Object.entries(edited || {})) {
    if (JSON.stringify((original || {})[key]) !== JSON.stringify(value)) out[key] = value;
  }
  return out;
}
