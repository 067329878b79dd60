// Interrupted threads with their pending interrupt() values, answered (resumed) from the page.
import { api } from "./api.js";
import { assistantOfThread } from "./assistants.js";
import { h, json, shortId, when } from "./dom.js";
import { JsonEditor } from "./json_editor.js";
import { RunPanel } from "./run_panel.js";

export async function interruptedThreads() {
  return api("POST", "/threads/search", { status: "interrupted", limit: 100, sort_by: "updated_at", sort_order: "desc" });
}

function pending(thread) {
  return Object.values(thread.interrupts || {}).flat();
}

// What resuming sends: the answer, a map of answers by interrupt id, or (a breakpoint) nothing.
function resumeBody(thread, interrupts, answers) {
  const assistant_id = assistantOfThread(thread);
  if (!interrupts.length) return { assistant_id, input: null };
  const resume = interrupts.length === 1
    ? answers[0].value
    : Object.fromEntries(interrupts.map((i, k) => [i.id, answers[k].value]));
  return { assistant_id, command: { resume } };
}

function card(thread) {
  const interrupts = pending(thread);
  const editors = interrupts.map((i) => new JsonEditor({ value: undefined, rows: 2, name: `answer-${i.id}`, allowText: true }));
  const panel = new RunPanel();
  panel.el.hidden = true;
  const label = interrupts.length ? "Answer and resume" : "Continue";
  const answer = h("button", { class: "primary", "data-action": "resume" }, label);
  const breakpoint = interrupts.length ? null
    : h("p", { class: "muted", "data-role": "breakpoint" }, "Paused at a breakpoint (interrupt_before/after): no value to answer.");
  const el = h("article", { class: "card interrupt-card", "data-thread": thread.thread_id },
    h("div", { class: "row" }, h("h3", {}, "Thread ", h("a", { href: `#/thread/${thread.thread_id}` }, h("code", {}, shortId(thread.thread_id)))),
      h("span", { class: "muted" }, `${assistantOfThread(thread) ? thread.metadata.graph_id || "" : ""} · ${when(thread.updated_at)}`)),
    interrupts.map((interrupt, index) => h("div", { class: "interrupt" },
      h("div", { class: "muted" }, `interrupt ${shortId(interrupt.id)}`), json(interrupt.value, { "data-role": "interrupt-value" }),
      h("label", {}, "Your answer (JSON, or plain text)"), editors[index].el)),
    breakpoint, answer, panel.el);
  answer.addEventListener("click", async () => {
    const answers = editors.map((e) => e.read());
    if (answers.some((a) => !a.ok)) return;
    answer.disabled = true;
    panel.el.hidden = false;
    const status = await panel.run(thread.thread_id, resumeBody(thread, interrupts, answers));
    el.dataset.answered = status;
    answer.disabled = status !== "error";
  });
  return el;
}

export async function inboxView(root) {
  const threads = await interruptedThreads();
  root.append(h("section", { class: "card" }, h("h2", {}, "Interrupt inbox"),
    threads.length ? h("p", { class: "muted" }, `${threads.length} thread(s) wait for an answer.`)
      : h("p", { class: "empty" }, "No thread is waiting on an interrupt.")));
  for (const thread of threads) root.append(card(thread));
}
