// An assistant's graph as SVG, from GET /assistants/{id}/graph; subgraphs expand in place and
// the running node is highlighted live (class "running"), visited ones keep class "visited".
import { api } from "./api.js";
import { h, s } from "./dom.js";
import { layout, ROW } from "./graph_layout.js";

const HALF = 17;

function label(node) {
  const name = node.name || (node.data && typeof node.data === "object" && node.data.name) || node.id;
  return String(name).split(":").pop();
}

export class GraphView {
  constructor() {
    this.el = h("div", { class: "graph" });
    this.expanded = new Set();
    this.running = new Set();
    this.visited = new Set();
  }

  async load(assistantId) {
    this.assistantId = assistantId;
    const base = `/assistants/${encodeURIComponent(assistantId)}/graph`;
    this.flat = await api("GET", base);
    try {
      this.xray = await api("GET", `${base}?xray=true`);
    } catch (_) {
      this.xray = null; // no nested view: draw the flat graph only
    }
    this.render();
    return this;
  }

  subgraphs() {
    if (!this.xray) return [];
    const prefixes = new Set();
    for (const node of this.xray.nodes) {
      const parts = node.id.split(":");
      for (let k = 1; k < parts.length; k++) prefixes.add(parts.slice(0, k).join(":"));
    }
    return [...prefixes];
  }

  collapse(id) {
    const parts = id.split(":");
    for (let k = 1; k < parts.length; k++) {
      const prefix = parts.slice(0, k).join(":");
      if (!this.expanded.has(prefix)) return prefix;
    }
    return id;
  }

  shown() {
    if (!this.xray || !this.subgraphs().length) return this.flat;
    const nodes = new Map();
    for (const node of this.xray.nodes) {
      const id = this.collapse(node.id);
      if (!nodes.has(id)) nodes.set(id, id === node.id ? node : { id });
    }
    const edges = new Map();
    for (const edge of this.xray.edges) {
      const source = this.collapse(edge.source);
      const target = this.collapse(edge.target);
      if (source !== target) edges.set(`${source}>${target}`, { ...edge, source, target });
    }
    return { nodes: [...nodes.values()], edges: [...edges.values()] };
  }

  toggle(prefix) {
    if (this.expanded.has(prefix)) {
      for (const p of [...this.expanded]) if (p === prefix || p.startsWith(`${prefix}:`)) this.expanded.delete(p);
    } else this.expanded.add(prefix);
    this.render();
  }

  render() {
    const graph = this.shown();
    const subgraphs = new Set(this.subgraphs());
    const nodes = graph.nodes.map((n) => ({ id: n.id, label: label(n) }));
    const { place, edges, width, height } = layout(nodes, graph.edges);
    const svg = s("svg", { class: "graph-svg", width, height, viewBox: `0 0 ${width} ${height}` });
    svg.append(s("defs", {}, s("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, s("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow-head" }))));
    for (const edge of edges) svg.append(this.edge(edge, place));
    for (const node of nodes) svg.append(this.node(node, place.get(node.id), subgraphs));
    const toolbar = this.toolbar(subgraphs);
    this.el.replaceChildren(...(toolbar ? [toolbar] : []), svg);
    this.paint();
  }

  toolbar(subgraphs) {
    const top = [...subgraphs].filter((p) => !p.includes(":") || this.expanded.has(p.split(":").slice(0, -1).join(":")));
    if (!top.length) return null;
    return h("div", { class: "graph-tools" }, "Subgraphs: ", top.map((p) =>
      h("button", { class: "chip", "data-subgraph": p, onclick: () => this.toggle(p) }, `${this.expanded.has(p) ? "−" : "+"} ${p}`)));
  }

  edge(edge, place) {
    const a = place.get(edge.source);
    const b = place.get(edge.target);
    if (!a || !b) return s("g");
    let d;
    if (edge.back || b.y <= a.y) {
      const side = Math.max(a.x + a.w / 2, b.x + b.w / 2) + 40;
      d = `M${a.x + a.w / 2},${a.y} C${side},${a.y} ${side},${b.y} ${b.x + b.w / 2 + 2},${b.y}`;
    } else if (b.y - a.y > 1.5 * ROW) {
      // skips a row: bend round the left so it does not run behind the nodes in between
      const side = Math.min(a.x - a.w / 2, b.x - b.w / 2) - 40;
      d = `M${a.x - 12},${a.y + HALF} C${side},${a.y + ROW} ${side},${b.y - ROW} ${b.x - 12},${b.y - HALF - 2}`;
    } else {
      const mid = (a.y + b.y) / 2;
      d = `M${a.x},${a.y + HALF} C${a.x},${mid} ${b.x},${mid} ${b.x},${b.y - HALF - 2}`;
    }
    const cls = `edge${edge.conditional ? " conditional" : ""}`;
    return s("path", { d, class: cls, "marker-end": "url(#arrow)", "data-edge": `${edge.source}>${edge.target}` });
  }

  node(node, at, subgraphs) {
    const last = node.id.split(":").pop(); // a subgraph's own START/END keep their prefix
    const kind = last === "__start__" ? "start" : last === "__end__" ? "end" : "step";
    const isSub = subgraphs.has(node.id) && !this.expanded.has(node.id);
    const group = node.id.includes(":") ? node.id.split(":").slice(0, -1).join(":") : null;
    const cls = ["node", kind, isSub ? "subgraph" : "", group ? "inside" : ""].filter(Boolean).join(" ");
    const g = s("g", { class: cls, "data-node": node.id, transform: `translate(${at.x - at.w / 2},${at.y - HALF})` });
    g.append(s("rect", { width: at.w, height: 2 * HALF, rx: kind === "step" ? 7 : HALF }));
    const text = kind === "start" ? "START" : kind === "end" ? "END" : `${isSub ? "⊞ " : ""}${node.label}`;
    g.append(s("text", { x: at.w / 2, y: HALF + 4, "text-anchor": "middle" }, text));
    if (group) g.append(s("text", { x: 6, y: -4, class: "group-label" }, group));
    if (isSub) g.addEventListener("click", () => this.toggle(node.id));
    g.append(s("title", {}, node.id));
    return g;
  }

  paint() {
    for (const g of this.el.querySelectorAll("g.node")) {
      const id = g.getAttribute("data-node");
      const hit = (names) => [...names].some((n) => n === id || id.startsWith(`${n}:`) || n.startsWith(`${id}:`));
      g.classList.toggle("running", hit(this.running));
      g.classList.toggle("visited", hit(this.visited));
    }
  }

  setRunning(names) {
    this.running = new Set(names);
    this.paint();
  }

  markVisited(name) {
    this.visited.add(name);
    this.paint();
  }

  reset() {
    this.running = new Set();
    this.visited = new Set();
    this.paint();
  }
}
