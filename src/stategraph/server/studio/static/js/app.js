// The Studio's entry point: a hash router over the views and the top navigation.
import { errorBox, h } from "./dom.js";
import { graphsView } from "./graphs_view.js";
import { historyView } from "./history_view.js";
import { inboxView, interruptedThreads } from "./inbox_view.js";
import { runView } from "./run_view.js";
import { storeView } from "./store_view.js";
import { threadsView } from "./threads_view.js";

const VIEWS = {
  graphs: graphsView,
  run: runView,
  threads: threadsView,
  thread: historyView,
  inbox: inboxView,
  store: storeView,
};
const NAV = [["graphs", "Graphs"], ["run", "Run"], ["threads", "Threads"], ["inbox", "Inbox"], ["store", "Store"]];

function parse(hash) {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const name = parts[0] in VIEWS ? parts[0] : "graphs";
  return { name, args: parts.slice(1) };
}

async function refreshBadge(badge) {
  try {
    const count = (await interruptedThreads()).length;
    badge.textContent = count ? String(count) : "";
    badge.hidden = !count;
  } catch (_) {
    badge.hidden = true;
  }
}

async function show(main, nav, badge) {
  const { name, args } = parse(location.hash);
  for (const link of nav.querySelectorAll("a")) link.classList.toggle("active", link.dataset.view === name);
  const root = h("div", { class: "view", "data-view": name });
  main.replaceChildren(root);
  try {
    await VIEWS[name](root, args);
  } catch (error) {
    root.append(errorBox(error));
  }
  root.dataset.ready = "true";
  refreshBadge(badge);
}

function start() {
  const badge = h("span", { class: "count", hidden: true });
  const nav = h("nav", {}, NAV.map(([view, label]) =>
    h("a", { href: `#/${view}`, "data-view": view }, label, view === "inbox" ? badge : null)));
  const main = h("main");
  document.body.replaceChildren(h("header", {}, h("span", { class: "brand" }, "stategraph studio"), nav), main);
  window.addEventListener("hashchange", () => show(main, nav, badge));
  show(main, nav, badge);
}

start();
