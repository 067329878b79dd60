"""init_chat_model: provider strings to adapters."""

from __future__ import annotations

import pytest

from stategraph.models import LOCAL_SERVERS, init_chat_model
from stategraph.models.openai import OpenAIChatModel


def test_openai_and_local_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("VLLM_BASE_URL", "http://127.0.0.1:9999/v1")
    openai = init_chat_model("openai:gpt-4o-mini")
    assert isinstance(openai, OpenAIChatModel) and openai.api_key == "sk-test"
    assert init_chat_model("vllm:qwen").base_url == "http://127.0.0.1:9999/v1"
    assert init_chat_model("ollama:llama3.1").base_url == LOCAL_SERVERS["ollama"]
    assert init_chat_model("llamacpp:x", base_url="http://127.0.0.1:1/v1/").base_url == "http://127.0.0.1:1/v1"


def test_bad_strings_and_unknown_providers() -> None:
    with pytest.raises(ValueError, match="provider:model"):
        init_chat_model("gpt-4o")
    try:
        import langchain  # noqa: F401
    except ImportError:
        with pytest.raises(ValueError, match="No built-in adapter for provider 'acme'"):
            init_chat_model("acme:big")
