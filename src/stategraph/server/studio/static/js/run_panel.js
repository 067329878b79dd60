// The live view of one run: updates, model tokens and custom events as they arrive, the final
// values, and the running node highlighted on a GraphView (from "tasks" events, else by polling
// the thread's state for the nodes it will run next).
import { api } from "./api.js";
import { errorBox, h, json, pretty } from "./dom.js";
import { runStream } from "./run_stream.js";
import { TokenPane } from "./token_pane.js";

const POLL_MS = 250;

export class RunPanel {
  constructor(graph = null) {
    this.graph = graph;
    this.status = h("div", { class: "run-status", "data-status": "idle" }, "No run yet.");
    this.modes = h("div", { class: "modes" });
    this.updates = h("ol", { class: "event-list updates" });
    this.custom = h("ol", { class: "event-list custom" });
    this.tokens = new TokenPane();
    this.values = json({}, { class: "json final-values" });
    this.el = h("div", { class: "run-panel" }, this.status, this.modes,
      h("div", { class: "panes" },
        h("div", { class: "pane" }, h("h3", {}, "Updates"), this.updates),
        this.tokens.el,
        h("div", { class: "pane" }, h("h3", {}, "Custom events"), this.custom)),
      h("h3", {}, "Values"), this.values);
    this.live = RunPanel.fresh();
  }

  static fresh() {
    return { hasTasks: false, interrupted: false, error: null, running: new Set() };
  }

  setStatus(status, text) {
    this.status.dataset.status = status;
    this.status.textContent = text;
  }

  // Run `body` (a RunCreate without stream_mode) on `threadId`; resolve to the final status.
  async run(threadId, body) {
    this.updates.replaceChildren();
    this.custom.replaceChildren();
    this.tokens.clear();
    this.graph && this.graph.reset();
    this.threadId = threadId;
    this.live = RunPanel.fresh();
    this.setStatus("running", "Running…");
    const timer = setInterval(() => this.poll(), POLL_MS);
    try {
      for await (const event of runStream(threadId, body)) this.handle(event);
    } catch (error) {
      this.live.error = error;
      this.el.append(errorBox(error));
    } finally {
      clearInterval(timer);
      this.graph && this.graph.setRunning([]);
    }
    const final = this.live.error ? "error" : this.live.interrupted ? "interrupted" : "success";
    this.setStatus(final, `Run ${final}.`);
    return final;
  }

  async poll() {
    if (!this.graph || this.live.hasTasks || this.status.dataset.status !== "running") return;
    try {
      const state = await api("GET", `/threads/${encodeURIComponent(this.threadId)}/state`);
      if (this.status.dataset.status === "running") this.graph.setRunning(state.next || []);
    } catch (_) {
      // the next tick tries again; the stream itself reports real failures
    }
  }

  handle({ event, data }) {
    const kind = event.split("|")[0];
    if (kind === "modes") {
      this.live.hasTasks = data.includes("tasks");
      this.tokens.setAvailable(data.includes("messages-tuple"));
      this.modes.replaceChildren("Streaming: ", ...data.map((m) => h("span", { class: "chip" }, m)));
    } else if (kind === "metadata") this.status.dataset.runId = data.run_id;
    else if (kind === "updates") this.onUpdates(data);
    else if (kind === "values") this.onValues(data);
    else if (kind === "messages") this.tokens.add(data);
    else if (kind === "custom") this.custom.append(h("li", { class: "custom-event" }, json(data)));
    else if (kind === "tasks") this.onTask(data);
    else if (kind === "error") {
      this.live.error = new Error(`${data.error}: ${data.message}`);
      this.el.append(errorBox(this.live.error));
    }
  }

  onUpdates(data) {
    for (const [node, update] of Object.entries(data || {})) {
      const interrupt = node === "__interrupt__";
      if (interrupt) this.live.interrupted = true;
      else if (this.graph) this.graph.markVisited(node);
      this.updates.append(h("li", { class: `update-event${interrupt ? " interrupt" : ""}`, "data-node": node },
        h("strong", {}, interrupt ? "interrupt" : node), h("pre", { class: "json" }, pretty(update))));
    }
    if (this.updates.lastChild) this.updates.lastChild.scrollIntoView({ block: "nearest" });
    this.poll();
  }

  onValues(data) {
    if (data && data.__interrupt__) this.live.interrupted = true;
    this.values.textContent = pretty(data);
  }

  onTask(data) {
    if (!data || !data.name) return;
    const started = !("result" in data) && !("error" in data) && !("interrupts" in data);
    if (started) this.live.running.add(data.name);
    else {
      this.live.running.delete(data.name);
      this.graph && this.graph.markVisited(data.name);
    }
    this.graph && this.graph.setRunning([...this.live.running]);
  }
}
