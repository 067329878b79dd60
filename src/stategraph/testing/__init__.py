"""Test helpers that need no model or network: fake embeddings and fake chat models."""

from .chat_models import FakeChatModel as FakeChatModel
from .chat_models import ScriptExhausted as ScriptExhausted
from .chat_models import ai as ai
from .chat_models import call as call
from .embeddings import FakeEmbeddings as FakeEmbeddings
from .embeddings import fake_embed as fake_embed

__all__ = ["FakeChatModel", "FakeEmbeddings", "ScriptExhausted", "ai", "call", "fake_embed"]
