// Tiny DOM helpers: element builders and value formatting shared by every view.

// The SVG namespace, read from the HTML parser so no URL literal appears in the assets.
const SVG_NS = (() => {
  const probe = document.createElement("div");
  probe.innerHTML = "<svg></svg>";
  return probe.firstChild.namespaceURI;
})();

export function h(tag, attrs = {}, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

export function s(tag, attrs = {}, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

function fill(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "class") el.setAttribute("class", value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function pretty(value) {
  return value === undefined ? "" : JSON.stringify(value, null, 2);
}

export function shortId(id) {
  return id ? String(id).slice(0, 8) : "";
}

// Checkpoint ids are time-ordered UUIDs sharing their first and last groups within a thread:
// the middle groups are the part that tells two apart.
export function shortCheckpoint(id) {
  const groups = String(id || "").split("-");
  return groups.length === 5 ? `${groups[1]}-${groups[2]}` : String(id || "").slice(-9);
}

export function when(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
}

export function errorBox(error) {
  const status = error && error.status ? ` (HTTP ${error.status})` : "";
  return h("div", { class: "error" }, `${error && error.message ? error.message : error}${status}`);
}

export function json(value, attrs = {}) {
  return h("pre", { class: "json", ...attrs }, pretty(value));
}

export function section(title, ...children) {
  return h("section", { class: "card" }, h("h2", {}, title), ...children);
}
