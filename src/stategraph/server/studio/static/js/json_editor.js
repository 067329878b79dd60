// A JSON text editor that checks syntax, and the shape against a JSON Schema when one is given.
import { h, pretty } from "./dom.js";
import { check } from "./schema.js";

export class JsonEditor {
  constructor({ value, schema = null, rows = 8, name = "json", allowText = false }) {
    this.schema = schema;
    this.allowText = allowText; // a value that is not JSON is sent as a plain string
    this.area = h("textarea", { class: "json-input", rows, spellcheck: "false", "data-editor": name });
    this.area.value = value === undefined ? "" : pretty(value);
    this.note = h("div", { class: "editor-note" });
    this.el = h("div", { class: "editor" }, this.area, this.note);
    this.area.addEventListener("input", () => this.read());
    this.read();
  }

  setSchema(schema) {
    this.schema = schema;
    this.read();
  }

  // -> {ok, value, errors}; shows the errors under the editor.
  read() {
    const text = this.area.value.trim();
    let value = null;
    let errors = [];
    if (text) {
      try {
        value = JSON.parse(text);
      } catch (error) {
        if (this.allowText) value = this.area.value;
        else errors = [`not valid JSON: ${error.message}`];
      }
    }
    if (!errors.length && this.schema && text) errors = check(this.schema, value);
    this.el.classList.toggle("invalid", errors.length > 0);
    this.note.replaceChildren(
      ...(errors.length
        ? errors.map((e) => h("div", { class: "problem" }, e))
        : [this.schema ? "✓ valid against the graph's schema" : "no schema: JSON syntax checked only"]),
    );
    return { ok: errors.length === 0, value, errors };
  }
}
