// One checkpoint: values, diff, writer, metadata, and the two ways to go on from it, "fork from
// here" (edited values written with update_state, then run) and "replay from here".
import { api } from "./api.js";
import { schemasOf } from "./assistants.js";
import { changedKeys, diffTable } from "./diff.js";
import { errorBox, h, json, shortCheckpoint } from "./dom.js";
import { GraphView } from "./graph_view.js";
import { JsonEditor } from "./json_editor.js";
import { RunPanel } from "./run_panel.js";

export class CheckpointDetail {
  constructor({ threadId, assistantId, onRunDone }) {
    this.threadId = threadId;
    this.assistantId = assistantId;
    this.onRunDone = onRunDone;
    this.body = h("div", { class: "checkpoint-detail" }, h("p", { class: "muted" }, "Pick a checkpoint."));
    this.graph = new GraphView();
    this.panel = new RunPanel(this.graph);
    this.result = h("div", { class: "branch-result", hidden: true }, h("h3", {}, "Branch run"), this.graph.el, this.panel.el);
    this.el = h("div", {}, this.body, this.result);
  }

  show(state, parent, writer) {
    const forkArea = h("div", { class: "fork-area" });
    const actions = this.assistantId
      ? h("div", { class: "row" },
        h("button", { "data-action": "fork", onclick: () => this.openFork(state, forkArea) }, "Fork from here"),
        h("button", { "data-action": "replay", onclick: () => this.replay(state) }, "↻ Replay from here"))
      : h("p", { class: "muted" }, "This thread names no assistant: fork and replay need one.");
    this.body.replaceChildren(
      h("h3", {}, `Checkpoint ${shortCheckpoint(state.checkpoint.checkpoint_id)} · step ${state.metadata.step}`),
      h("dl", { class: "facts" },
        h("dt", {}, "written by"), h("dd", { "data-role": "writer" }, writer),
        h("dt", {}, "next"), h("dd", {}, state.next.join(", ") || "— (done)"),
        h("dt", {}, "parent"), h("dd", {}, parent ? shortCheckpoint(parent.checkpoint.checkpoint_id) : "—")),
      actions, forkArea,
      h("h4", {}, "Values"), json(state.values, { "data-role": "values" }),
      h("h4", {}, "Diff against parent"), diffTable(parent ? parent.values : {}, state.values),
      h("h4", {}, "Metadata"), json(state.metadata, { "data-role": "metadata" }));
  }

  async openFork(state, area) {
    const schemas = this.assistantId ? await schemasOf(this.assistantId) : null;
    const editor = new JsonEditor({ value: state.values, schema: schemas && schemas.state_schema, rows: 10, name: "fork-values" });
    const asNode = h("input", { type: "text", name: "as-node", placeholder: "as node (optional: the server picks the last writer)" });
    const go = h("button", { class: "primary", "data-action": "run-fork" }, "Run the fork");
    go.addEventListener("click", () => this.fork(state, editor, asNode.value.trim(), area));
    area.replaceChildren(h("p", { class: "muted" }, "Edit the values; the changed keys are written as a new checkpoint beside this one, then the graph runs on from it."),
      editor.el, h("div", { class: "row" }, asNode, go));
  }

  async fork(state, editor, asNode, area) {
    const edited = editor.read();
    if (!edited.ok) return;
    const body = { values: changedKeys(state.values, edited.value), checkpoint_id: state.checkpoint.checkpoint_id };
    if (asNode) body.as_node = asNode;
    try {
      const written = await api("POST", `/threads/${encodeURIComponent(this.threadId)}/state`, body);
      area.replaceChildren(h("p", { class: "muted" }, `Fork written as checkpoint ${shortCheckpoint(written.checkpoint.checkpoint_id)}.`));
      await this.runFrom(written.checkpoint.checkpoint_id);
    } catch (error) {
      area.append(errorBox(error));
    }
  }

  replay(state) {
    return this.runFrom(state.checkpoint.checkpoint_id);
  }

  async runFrom(checkpointId) {
    this.result.hidden = false;
    if (!this.graph.assistantId) await this.graph.load(this.assistantId).catch(() => null);
    await this.panel.run(this.threadId, { assistant_id: this.assistantId, input: null, checkpoint_id: checkpointId });
    this.onRunDone();
  }
}
