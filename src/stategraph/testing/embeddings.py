"""Deterministic fake embeddings for tests and examples: no model, no network.

Each text becomes a hashed bag of lower-cased words, scaled to unit
length, so texts that share words have a higher cosine similarity.  Hashing
uses blake2b, so vectors are identical across processes and runs.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence

__all__ = ["DEFAULT_DIMS", "FakeEmbeddings", "fake_embed"]

DEFAULT_DIMS = 128
_WORD = re.compile(r"[a-z0-9]+")


def _embed_one(text: str, dims: int) -> list[float]:
    vector = [0.0] * dims
    for word in _WORD.findall(text.lower()):
        digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
        # why: unsigned counts; with signed hashing two shared words that collide can
        # cancel, making overlapping texts look unrelated, which tests must not see
        vector[int.from_bytes(digest, "big") % dims] += 1.0
    norm = math.sqrt(sum(x * x for x in vector))
    return [x / norm for x in vector] if norm else vector


def fake_embed(texts: Sequence[str], dims: int = DEFAULT_DIMS) -> list[list[float]]:
    """Embed ``texts`` (a sync ``embed`` for ``IndexConfig``); a text with no words is zero."""
    if isinstance(texts, str):
        raise TypeError("fake_embed takes a list of texts; wrap a single text as [text].")
    if dims < 1:
        raise ValueError(f"dims={dims!r} must be a positive integer.")
    return [_embed_one(text, dims) for text in texts]


class FakeEmbeddings:
    """``fake_embed`` behind the embeddings-object interface (sync and async).

    Counts calls in ``calls`` (one entry per method call, listing its texts) so
    tests can check how often a store embeds.
    """

    def __init__(self, dims: int = DEFAULT_DIMS) -> None:
        if dims < 1:
            raise ValueError(f"dims={dims!r} must be a positive integer.")
        self.dims = dims
        self.calls: list[list[str]] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed a batch of documents."""
        self.calls.append(list(texts))
        return fake_embed(texts, self.dims)

    def embed_query(self, text: str) -> list[float]:
        """Embed one search query."""
        self.calls.append([text])
        return fake_embed([text], self.dims)[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """Async ``embed_documents``."""
        return self.embed_documents(texts)

    async def aembed_query(self, text: str) -> list[float]:
        """Async ``embed_query``."""
        return self.embed_query(text)

    def __repr__(self) -> str:
        return f"FakeEmbeddings(dims={self.dims})"
