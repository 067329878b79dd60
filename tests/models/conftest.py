"""A fake OpenAI-compatible server on 127.0.0.1 that replays scripted completions."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


class FakeOpenAI:
    """Scripted replies: {"content": str, "tool_calls": [...]} or {"status": int, "body": str}."""

    def __init__(self) -> None:
        self.replies: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.url = ""


def _sse(reply: dict[str, Any]) -> bytes:
    import uuid

    cid = f"cmpl-{uuid.uuid4().hex[:8]}"
    events = []
    for word in reply.get("tokens", [reply.get("content", "")]):
        events.append({"id": cid, "model": "m", "choices": [{"index": 0, "delta": {"content": word}}]})
    for i, call in enumerate(reply.get("tool_calls", [])):
        args = json.dumps(call["args"])
        half = len(args) // 2
        events.append({"id": cid, "choices": [{"index": 0, "delta": {"tool_calls": [
            {"index": i, "id": call["id"], "type": "function", "function": {"name": call["name"], "arguments": args[:half]}}]}}]})
        events.append({"id": cid, "choices": [{"index": 0, "delta": {"tool_calls": [
            {"index": i, "function": {"arguments": args[half:]}}]}}]})
    events.append({"id": cid, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                   "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}})
    lines = [": keep-alive\n\n"] + [f"data: {json.dumps(e)}\n\n" for e in events] + ["data: [DONE]\n\n"]
    return "".join(lines).encode()


def _completion(reply: dict[str, Any]) -> bytes:
    calls = [{"id": c["id"], "type": "function", "function": {"name": c["name"], "arguments": json.dumps(c["args"])}}
             for c in reply.get("tool_calls", [])]
    message = {"role": "assistant", "content": reply.get("content") or None, "tool_calls": calls or None}
    return json.dumps({"id": "cmpl-2", "model": "m", "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                       "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}).encode()


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAI]:
    state = FakeOpenAI()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append(body)
            state.headers.append(dict(self.headers))
            reply = state.replies.pop(0)
            if "status" in reply:
                self.send_response(reply["status"])
                self.end_headers()
                self.wfile.write(reply["body"].encode())
                return
            payload = _sse(reply) if body.get("stream") else _completion(reply)
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream" if body.get("stream") else "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
