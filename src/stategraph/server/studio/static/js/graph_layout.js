// A layered layout: ranks by longest path from __start__ (back edges ignored), one row per rank.

export const ROW = 86;
const GAP = 36;
const CHAR = 7.4;

function outgoing(nodes, edges) {
  const out = new Map(nodes.map((n) => [n.id, []]));
  for (const edge of edges) if (out.has(edge.source)) out.get(edge.source).push(edge);
  return out;
}

// Depth-first from the entry; an edge to a node still on the stack closes a cycle.
function markBackEdges(nodes, edges, out) {
  const state = new Map();
  const visit = (id) => {
    state.set(id, "open");
    for (const edge of out.get(id) || []) {
      const seen = state.get(edge.target);
      if (seen === "open") edge.back = true;
      else if (!seen) visit(edge.target);
    }
    state.set(id, "done");
  };
  const entry = nodes.find((n) => n.id === "__start__");
  if (entry) visit(entry.id);
  for (const node of nodes) if (!state.has(node.id)) visit(node.id);
}

function assignRanks(nodes, edges, out) {
  const indegree = new Map(nodes.map((n) => [n.id, 0]));
  for (const edge of edges) if (!edge.back && indegree.has(edge.target)) indegree.set(edge.target, indegree.get(edge.target) + 1);
  const rank = new Map(nodes.map((n) => [n.id, 0]));
  const queue = nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  while (queue.length) {
    const id = queue.shift();
    for (const edge of out.get(id) || []) {
      if (edge.back || !rank.has(edge.target)) continue;
      rank.set(edge.target, Math.max(rank.get(edge.target), rank.get(id) + 1));
      indegree.set(edge.target, indegree.get(edge.target) - 1);
      if (indegree.get(edge.target) === 0) queue.push(edge.target);
    }
  }
  // END sits alone on the last row, below every other node
  const others = [...rank].filter(([id]) => id !== "__end__").map(([, r]) => r);
  if (rank.has("__end__")) rank.set("__end__", Math.max(rank.get("__end__"), Math.max(-1, ...others) + 1));
  return rank;
}

export function nodeWidth(label) {
  return Math.max(84, Math.round(label.length * CHAR) + 28);
}

// nodes: [{id, label}], edges: [{source, target, conditional}] -> positions and a size.
export function layout(nodes, edges) {
  const copies = edges.map((e) => ({ ...e }));
  const out = outgoing(nodes, copies);
  markBackEdges(nodes, copies, out);
  const rank = assignRanks(nodes, copies, out);
  const rows = [];
  for (const node of nodes) (rows[rank.get(node.id)] ||= []).push(node);
  const place = new Map();
  let width = 0;
  for (const row of rows.filter(Boolean)) {
    const total = row.reduce((sum, n) => sum + nodeWidth(n.label), 0) + GAP * (row.length - 1);
    width = Math.max(width, total);
  }
  width += 2 * GAP + 60;
  rows.forEach((row, index) => {
    if (!row) return;
    const total = row.reduce((sum, n) => sum + nodeWidth(n.label), 0) + GAP * (row.length - 1);
    let x = (width - total) / 2;
    for (const node of row) {
      const w = nodeWidth(node.label);
      place.set(node.id, { x: x + w / 2, y: 30 + index * ROW, w });
      x += w + GAP;
    }
  });
  return { place, edges: copies, width, height: 30 + rows.length * ROW };
}
