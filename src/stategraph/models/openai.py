"""A chat model for any OpenAI-compatible ``/chat/completions`` endpoint, over httpx.

Works with OpenAI itself and with local servers that speak the same protocol (vLLM,
llama.cpp's server, Ollama, LM Studio).  Streams with server-sent events when tokens are
wanted (``stream()`` or a run with ``stream_mode="messages"``), else makes one plain request.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

from ..messages import AIMessage, AIMessageChunk, BaseMessage, to_openai, tool_call
from .base import BaseChatModel

__all__ = ["OpenAIChatModel"]

_CHOICES = ("auto", "none", "required")


def _tool_choice(choice: Any) -> Any:
    if choice is None or isinstance(choice, dict) or choice in _CHOICES:
        return choice
    if choice in ("any", True):
        return "required"
    return {"type": "function", "function": {"name": choice}}


class OpenAIChatModel(BaseChatModel):
    """``OpenAIChatModel("llama3", base_url="http://127.0.0.1:8080/v1")``."""

    provider = "openai"

    def __init__(
        self,
        model: str,
        *,
        base_url: str = "https://api.openai.com/v1",
        api_key: str | None = None,
        timeout: float = 60.0,
        temperature: float | None = None,
        max_tokens: int | None = None,
        extra_body: dict[str, Any] | None = None,
        client: Any = None,
        async_client: Any = None,
        tags: list[str] | None = None,
    ) -> None:
        super().__init__(tags=tags)
        self.model_name = model
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.extra_body = dict(extra_body or {})
        self.client = client
        self.async_client = async_client

    # ------------------------------------------------------------ request
    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers

    def _body(self, messages: list[BaseMessage], options: dict[str, Any], *, stream: bool) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model_name, "messages": [to_openai(m) for m in messages]}
        if stream:
            body["stream"] = True
        if options.get("tools"):
            body["tools"] = options["tools"]
            choice = _tool_choice(options.get("tool_choice"))
            if choice is not None:
                body["tool_choice"] = choice
            if options.get("parallel_tool_calls") is not None:
                body["parallel_tool_calls"] = options["parallel_tool_calls"]
        for key in ("temperature", "max_tokens"):
            if getattr(self, key) is not None:
                body[key] = getattr(self, key)
        body.update(self.extra_body)
        return body

    def _sync_client(self) -> Any:
        if self.client is None:
            import httpx

            self.client = httpx.Client(timeout=self.timeout)
        return self.client

    def _async_client(self) -> Any:
        if self.async_client is None:
            import httpx

            self.async_client = httpx.AsyncClient(timeout=self.timeout)
        return self.async_client

    @property
    def url(self) -> str:
        return f"{self.base_url}/chat/completions"

    # ------------------------------------------------------------ streaming
    def _chunks(self, messages: list[BaseMessage], **options: Any) -> Iterator[AIMessageChunk]:
        body = self._body(messages, options, stream=True)
        with self._sync_client().stream("POST", self.url, json=body, headers=self._headers()) as response:
            if response.status_code >= 400:
                response.read()
                _raise_for_status(response)
            for line in response.iter_lines():
                chunk = _parse_line(line)
                if chunk is _DONE:
                    break
                if chunk is not None:
                    yield chunk

    async def _achunks(self, messages: list[BaseMessage], **options: Any) -> AsyncIterator[AIMessageChunk]:
        body = self._body(messages, options, stream=True)
        async with self._async_client().stream("POST", self.url, json=body, headers=self._headers()) as response:
            if response.status_code >= 400:
                await response.aread()
                _raise_for_status(response)
            async for line in response.aiter_lines():
                chunk = _parse_line(line)
                if chunk is _DONE:
                    break
                if chunk is not None:
                    yield chunk

    # ------------------------------------------------------------ one request
    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> AIMessage:
        if self._target(config) is not None:
            return super().invoke(input, config, **kwargs)
        from ..messages import convert_to_messages

        body = self._body(convert_to_messages(input), self._options(kwargs), stream=False)
        response = self._sync_client().post(self.url, json=body, headers=self._headers())
        _raise_for_status(response)
        return _parse_completion(response.json())

    async def ainvoke(self, input: Any, config: Any = None, **kwargs: Any) -> AIMessage:
        if self._target(config) is not None:
            return await super().ainvoke(input, config, **kwargs)
        from ..messages import convert_to_messages

        body = self._body(convert_to_messages(input), self._options(kwargs), stream=False)
        response = await self._async_client().post(self.url, json=body, headers=self._headers())
        _raise_for_status(response)
        return _parse_completion(response.json())


_DONE = object()


def _raise_for_status(response: Any) -> None:
    if response.status_code < 400:
        return
    import httpx

    raise httpx.HTTPStatusError(
        f"Chat completion request to {response.request.url} failed with HTTP {response.status_code}: "
        f"{response.text[:500]}. Check base_url, model name and api_key.",
        request=response.request, response=response,
    )


def _parse_line(line: str) -> Any:
    line = line.strip()
    if not line.startswith("data:"):
        return None  # blank keep-alives, comments, event names
    data = line[5:].strip()
    if data == "[DONE]":
        return _DONE
    payload = json.loads(data)
    choices = payload.get("choices") or []
    delta = choices[0].get("delta", {}) if choices else {}
    finish = choices[0].get("finish_reason") if choices else None
    chunks = [
        {"name": (tc.get("function") or {}).get("name"), "args": (tc.get("function") or {}).get("arguments"),
         "id": tc.get("id"), "index": tc.get("index", i), "type": "tool_call_chunk"}
        for i, tc in enumerate(delta.get("tool_calls") or [])
    ]
    return AIMessageChunk(
        delta.get("content") or "", id=payload.get("id"), tool_call_chunks=chunks,  # type: ignore[arg-type]
        usage_metadata=_usage(payload.get("usage")),
        response_metadata={k: v for k, v in {"finish_reason": finish, "model_name": payload.get("model")}.items() if v},
    )


def _usage(usage: Any) -> dict[str, Any] | None:
    if not usage:
        return None
    return {"input_tokens": usage.get("prompt_tokens", 0), "output_tokens": usage.get("completion_tokens", 0),
            "total_tokens": usage.get("total_tokens", 0)}


def _parse_completion(payload: dict[str, Any]) -> AIMessage:
    choice = (payload.get("choices") or [{}])[0]
    message = choice.get("message") or {}
    calls = []
    for tc in message.get("tool_calls") or []:
        fn = tc.get("function") or {}
        raw = fn.get("arguments") or "{}"
        calls.append(tool_call(fn.get("name", ""), json.loads(raw) if isinstance(raw, str) else raw, tc.get("id")))
    return AIMessage(
        message.get("content") or "", id=payload.get("id"), tool_calls=calls, usage_metadata=_usage(payload.get("usage")),
        response_metadata={k: v for k, v in {"finish_reason": choice.get("finish_reason"),
                                             "model_name": payload.get("model")}.items() if v},
    )
