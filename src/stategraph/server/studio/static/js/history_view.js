// A thread's state history as a timeline (oldest first, forks marked); picking a checkpoint
// shows its values, the diff against its parent, the node that wrote it and its metadata.
import { api } from "./api.js";
import { assistantOfThread } from "./assistants.js";
import { CheckpointDetail } from "./checkpoint_detail.js";
import { errorBox, h, shortCheckpoint, shortId, when } from "./dom.js";

// The node(s) whose writes made `state`: the tasks its parent ran, unless a person or the input wrote it.
export function writerOf(state, byId) {
  const metadata = state.metadata || {};
  if (metadata.source === "input") return "input";
  if (metadata.source === "update") return "update_state";
  if (metadata.source === "fork") return "fork";
  if (metadata.writes && typeof metadata.writes === "object") return Object.keys(metadata.writes).join(", ") || "—";
  const parent = state.parent_checkpoint && byId.get(state.parent_checkpoint.checkpoint_id);
  if (parent && parent.tasks && parent.tasks.length) return parent.tasks.map((t) => t.name).join(", ");
  return metadata.source || "—";
}

function lineage(states, byId) {
  const onHead = new Set();
  let cursor = states[0];
  while (cursor && !onHead.has(cursor.checkpoint.checkpoint_id)) {
    onHead.add(cursor.checkpoint.checkpoint_id);
    cursor = cursor.parent_checkpoint && byId.get(cursor.parent_checkpoint.checkpoint_id);
  }
  return onHead;
}

export async function historyView(root, [threadId]) {
  const thread = await api("GET", `/threads/${encodeURIComponent(threadId)}`);
  const assistantId = assistantOfThread(thread);
  const timeline = h("ol", { class: "timeline" });
  const detail = new CheckpointDetail({ threadId, assistantId, onRunDone: () => load() });
  const header = h("div", { class: "row" },
    h("h2", {}, "Thread ", h("code", {}, shortId(threadId))),
    h("span", { class: `badge ${thread.status}`, "data-role": "thread-status" }, thread.status),
    assistantId ? h("a", { class: "button", href: `#/run/${assistantId}/${threadId}` }, "▶ New run on this thread") : null);
  let selected = null;
  const load = async () => {
    try {
      const states = await api("POST", `/threads/${encodeURIComponent(threadId)}/history`, { limit: 100 });
      render(states);
    } catch (error) {
      timeline.replaceChildren(errorBox(error));
    }
  };
  const render = (states) => {
    const byId = new Map(states.map((s) => [s.checkpoint.checkpoint_id, s]));
    const onHead = lineage(states, byId);
    const ordered = [...states].reverse();
    if (!ordered.length) timeline.replaceChildren(h("li", { class: "muted" }, "No checkpoints yet: run the thread first."));
    else timeline.replaceChildren(...ordered.map((state, index) => entry(state, ordered[index - 1], byId, onHead)));
    const keep = selected && byId.get(selected);
    if (keep) pick(keep, byId);
  };
  const pick = (state, byId) => {
    selected = state.checkpoint.checkpoint_id;
    for (const li of timeline.children) li.classList.toggle("selected", li.dataset.checkpoint === selected);
    const parent = state.parent_checkpoint && byId.get(state.parent_checkpoint.checkpoint_id);
    detail.show(state, parent, writerOf(state, byId));
  };
  const entry = (state, previous, byId, onHead) => {
    const id = state.checkpoint.checkpoint_id;
    const parentId = state.parent_checkpoint && state.parent_checkpoint.checkpoint_id;
    const forked = previous && parentId && parentId !== previous.checkpoint.checkpoint_id;
    const cls = ["history-entry", onHead.has(id) ? "" : "off-branch", forked ? "fork-start" : ""].filter(Boolean).join(" ");
    return h("li", { class: cls, "data-checkpoint": id, "data-step": state.metadata.step, onclick: () => pick(state, byId) },
      h("span", { class: "step" }, `step ${state.metadata.step}`),
      h("span", { class: "writer" }, writerOf(state, byId)),
      forked ? h("span", { class: "chip" }, `branch from ${shortCheckpoint(parentId)}`) : null,
      h("div", { class: "muted" }, `${shortCheckpoint(id)} · ${when(state.created_at)}${state.next.length ? ` · next ${state.next.join(", ")}` : ""}`));
  };
  root.append(h("section", { class: "card" }, header,
    h("div", { class: "split" }, h("div", { class: "side" }, h("h3", {}, "Checkpoints"), timeline), h("div", { class: "grow" }, detail.el))));
  await load();
}
