// The checkpoints of a thread oldest first: who wrote each, forks marked where a branch starts,
// checkpoints off the thread's current branch greyed.
import { h, shortCheckpoint, when } from "./dom.js";

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

function idOf(state) {
  return state.checkpoint.checkpoint_id;
}

function parentIdOf(state) {
  return state.parent_checkpoint ? state.parent_checkpoint.checkpoint_id : null;
}

export class Timeline {
  constructor(onPick) {
    this.onPick = onPick; // (state, parent, writer) => void
    this.el = h("ol", { class: "timeline" });
    this.selected = null;
  }

  // `states` as the history route answers them: newest first.
  render(states) {
    this.byId = new Map(states.map((s) => [idOf(s), s]));
    this.onHead = new Set();
    for (let s = states[0]; s && !this.onHead.has(idOf(s)); s = this.byId.get(parentIdOf(s))) this.onHead.add(idOf(s));
    const ordered = [...states].reverse();
    if (!ordered.length) this.el.replaceChildren(h("li", { class: "muted" }, "No checkpoints yet: run the thread first."));
    else this.el.replaceChildren(...ordered.map((state, i) => this.entry(state, ordered[i - 1])));
    if (this.selected && this.byId.has(this.selected)) this.pick(this.byId.get(this.selected));
  }

  entry(state, previous) {
    const id = idOf(state);
    const parentId = parentIdOf(state);
    const forked = previous && parentId && parentId !== idOf(previous);
    const cls = ["history-entry", this.onHead.has(id) ? "" : "off-branch", forked ? "fork-start" : ""].filter(Boolean).join(" ");
    const next = state.next.length ? ` · next ${state.next.join(", ")}` : "";
    return h("li", { class: cls, "data-checkpoint": id, "data-step": state.metadata.step, onclick: () => this.pick(state) },
      h("span", { class: "step" }, `step ${state.metadata.step}`),
      h("span", { class: "writer" }, writerOf(state, this.byId)),
      forked ? h("span", { class: "chip" }, `branch from ${shortCheckpoint(parentId)}`) : null,
      h("div", { class: "muted" }, `${shortCheckpoint(id)} · ${when(state.created_at)}${next}`));
  }

  pick(state) {
    this.selected = idOf(state);
    for (const li of this.el.children) li.classList.toggle("selected", li.dataset.checkpoint === this.selected);
    this.onPick(state, this.byId.get(parentIdOf(state)), writerOf(state, this.byId));
  }
}
