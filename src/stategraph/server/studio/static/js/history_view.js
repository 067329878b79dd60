// A thread's state history: the timeline beside the picked checkpoint's details.
import { api } from "./api.js";
import { assistantOfThread } from "./assistants.js";
import { CheckpointDetail } from "./checkpoint_detail.js";
import { errorBox, h, shortId } from "./dom.js";
import { Timeline } from "./timeline.js";

const LIMIT = 100; // the newest checkpoints shown; older ones are left out

export async function historyView(root, [threadId]) {
  const path = `/threads/${encodeURIComponent(threadId)}`;
  const thread = await api("GET", path);
  const assistantId = assistantOfThread(thread);
  const detail = new CheckpointDetail({ threadId, assistantId, onRunDone: () => load() });
  const timeline = new Timeline((state, parent, writer) => detail.show(state, parent, writer));
  const status = h("span", { class: `badge ${thread.status}`, "data-role": "thread-status" }, thread.status);
  const load = async () => {
    try {
      timeline.render(await api("POST", `${path}/history`, { limit: LIMIT }));
      const now = await api("GET", path);
      status.className = `badge ${now.status}`;
      status.textContent = now.status;
    } catch (error) {
      timeline.el.replaceChildren(errorBox(error));
    }
  };
  const header = h("div", { class: "row" },
    h("h2", {}, "Thread ", h("code", {}, shortId(threadId))), status,
    assistantId ? h("a", { class: "button", href: `#/run/${assistantId}/${threadId}` }, "▶ New run on this thread") : null,
    thread.status === "interrupted" ? h("a", { class: "button", href: "#/inbox" }, "Answer in the inbox") : null);
  root.append(h("section", { class: "card" }, header,
    h("div", { class: "split" }, h("div", { class: "side" }, h("h3", {}, "Checkpoints"), timeline.el), h("div", { class: "grow" }, detail.el))));
  await load();
}
