"""Test helpers that need no model or network: deterministic fake embeddings."""

from .embeddings import FakeEmbeddings as FakeEmbeddings
from .embeddings import fake_embed as fake_embed

__all__ = ["FakeEmbeddings", "fake_embed"]
