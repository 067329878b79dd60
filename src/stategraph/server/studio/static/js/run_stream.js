// Start a run on a thread and stream it, asking for the richest stream modes this server has.
import { ApiError, streamEvents } from "./api.js";

// Tried in order until the server accepts one (it answers 422 naming an unknown mode); "tasks"
// gives live node starts, "messages-tuple" model tokens.
const MODE_SETS = [
  ["updates", "values", "custom", "messages-tuple", "tasks"],
  ["updates", "values", "custom", "messages-tuple"],
  ["updates", "values", "custom"],
  ["updates", "values"],
];
const KEY = "stategraph-studio-stream-modes";
// the first mode set this server took, reused for later runs (kept for the browser session)
let accepted = JSON.parse(sessionStorage.getItem(KEY) || "null");

function isModeRefusal(error) {
  return error instanceof ApiError && error.status === 422 && /stream_mode/.test(error.message);
}

// Yield {event: "modes", data: [...]} first, then each SSE event of the run.
export async function* runStream(threadId, body, signal) {
  const path = `/threads/${encodeURIComponent(threadId)}/runs/stream`;
  const sets = accepted ? [accepted, ...MODE_SETS] : MODE_SETS; // a restarted server may differ
  for (const [index, modes] of sets.entries()) {
    let events;
    let first;
    try {
      events = streamEvents(path, { ...body, stream_mode: modes }, signal);
      first = await events.next(); // the request is sent and answered here
    } catch (error) {
      if (isModeRefusal(error) && index < sets.length - 1) continue;
      throw error;
    }
    accepted = modes;
    sessionStorage.setItem(KEY, JSON.stringify(modes));
    yield { event: "modes", data: modes };
    if (!first.done) yield first.value;
    yield* events;
    return;
  }
}
