// Model tokens from "messages" events ([message chunk, metadata]), one block per message id;
// hidden when the server has no messages stream mode.
import { h, pretty } from "./dom.js";

function text(content) {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part === "string" ? part : part.text || "")).join("");
  return "";
}

export class TokenPane {
  constructor() {
    this.list = h("div", { class: "tokens" });
    this.el = h("div", { class: "pane token-pane" }, h("h3", {}, "Tokens"), this.list);
    this.blocks = new Map();
  }

  clear() {
    this.list.replaceChildren();
    this.blocks = new Map();
    this.count = 0;
  }

  setAvailable(available) {
    this.el.hidden = !available;
  }

  block(message, metadata) {
    const key = message.id || `anon-${this.blocks.size}`;
    if (!this.blocks.has(key) || !message.id) {
      const node = (metadata && metadata.langgraph_node) || "?";
      const body = h("span", { class: "token-text" });
      const el = h("div", { class: `token-message ${message.type || ""}` }, h("span", { class: "who" }, `${node} · ${message.type || "message"}`), body);
      this.list.append(el);
      this.blocks.set(key, { el, body, calls: false });
    }
    return this.blocks.get(key);
  }

  add(data) {
    if (!Array.isArray(data) || !data[0]) return;
    const [message, metadata] = data;
    const block = this.block(message, metadata);
    this.count += 1;
    this.list.dataset.count = String(this.count);
    if (message.type === "tool") {
      block.body.textContent = `${message.name || "tool"} → ${text(message.content)}`;
      return;
    }
    block.body.append(text(message.content));
    const calls = message.tool_calls || [];
    if (calls.length && !block.calls) {
      block.calls = true;
      block.el.append(h("div", { class: "tool-calls" }, calls.map((c) => `calls ${c.name}(${pretty(c.args)})`).join("; ")));
    }
  }
}
