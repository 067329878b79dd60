"""Chat models: a small protocol (invoke/stream/bind_tools) and adapters.

``OpenAIChatModel`` talks to any OpenAI-compatible endpoint over httpx; ``LangChainChatModel``
wraps a langchain-core model; ``init_chat_model("provider:model")`` builds one from a string.
Fake models for tests live in ``stategraph.testing``.
"""

from __future__ import annotations

import os
from typing import Any

from .base import BaseChatModel as BaseChatModel
from .base import ChatModel as ChatModel

__all__ = ["BaseChatModel", "ChatModel", "LOCAL_SERVERS", "init_chat_model"]

# OpenAI-compatible servers and where they listen by default.
LOCAL_SERVERS = {
    "ollama": "http://localhost:11434/v1",
    "vllm": "http://localhost:8000/v1",
    "llamacpp": "http://localhost:8080/v1",
    "lmstudio": "http://localhost:1234/v1",
}


def init_chat_model(model: str, *, base_url: str | None = None, api_key: str | None = None, **kwargs: Any) -> Any:
    """``"openai:gpt-4o-mini"``, ``"ollama:llama3.1"``, ``"vllm:..."`` -> an ``OpenAIChatModel``.

    Other providers go to ``langchain.chat_models.init_chat_model`` when langchain is installed.
    """
    provider, sep, name = model.partition(":")
    if not sep:
        raise ValueError(f"Model strings look like 'provider:model' (e.g. 'openai:gpt-4o-mini'), got {model!r}.")
    from .openai import OpenAIChatModel

    if provider == "openai":
        return OpenAIChatModel(name, base_url=base_url or os.environ.get("OPENAI_BASE_URL", "https://api.openai.com/v1"),
                               api_key=api_key or os.environ.get("OPENAI_API_KEY"), **kwargs)
    if provider in LOCAL_SERVERS:
        env = f"{provider.upper()}_BASE_URL"
        return OpenAIChatModel(name, base_url=base_url or os.environ.get(env, LOCAL_SERVERS[provider]),
                               api_key=api_key, **kwargs)
    try:
        from langchain.chat_models import init_chat_model as lc_init  # type: ignore[import-not-found]
    except ImportError as exc:
        raise ValueError(
            f"No built-in adapter for provider {provider!r}: use 'openai', {sorted(LOCAL_SERVERS)} "
            "(any OpenAI-compatible server via base_url=...), pass a chat model object, or install "
            "langchain for its providers."
        ) from exc
    return lc_init(model, **kwargs)
