// Assistant look-ups shared by the views: the list, one assistant, its schemas (optional route).
import { api, optional } from "./api.js";

export async function listAssistants() {
  return api("POST", "/assistants/search", { limit: 100, sort_by: "name", sort_order: "asc" });
}

const schemaCache = new Map();

// The graph's JSON schemas, or null when the server has no /schemas route (no validation then).
export async function schemasOf(assistantId) {
  if (!schemaCache.has(assistantId)) {
    let schemas = null;
    try {
      schemas = await optional("GET", `/assistants/${encodeURIComponent(assistantId)}/schemas`);
    } catch (_) {
      schemas = null; // a failing schema route only costs validation
    }
    schemaCache.set(assistantId, schemas);
  }
  return schemaCache.get(assistantId);
}

// The assistant a thread runs on: its metadata names it (set by the thread's first run).
export function assistantOfThread(thread) {
  const metadata = (thread && thread.metadata) || {};
  return metadata.assistant_id || metadata.graph_id || null;
}
