"""Embedders for semantic search: the ``Embeddings`` interface and ``ensure_embeddings``.

The path mirrors ``langgraph.store.base.embed``.  A store's ``IndexConfig["embed"]`` may be an
``Embeddings`` object (LangChain's qualify), a function ``list[str] -> list[list[float]]``
(sync or async) or a ``"provider:model"`` string; ``ensure_embeddings`` turns any of them into
one object with the four ``embed_*`` methods.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeAlias, runtime_checkable

from ...errors import ErrorCode, StoreError
from .._embed import _is_async_callable, _resolve_provider, _run_blocking
from .._paths import get_text_at_path, tokenize_path

__all__ = [
    "AEmbeddingsFunc",
    "Embeddings",
    "EmbeddingsFunc",
    "ensure_embeddings",
    "get_text_at_path",
    "tokenize_path",
]

EmbeddingsFunc: TypeAlias = Callable[[Sequence[str]], list[list[float]]]
"""A sync function that embeds a batch of texts, one vector per text, in order."""

AEmbeddingsFunc: TypeAlias = Callable[[Sequence[str]], Awaitable[list[list[float]]]]
"""An async function that embeds a batch of texts, one vector per text, in order."""


@runtime_checkable
class Embeddings(Protocol):
    """What a store needs from an embedder: document and query embedding, sync and async.

    Stores accept any object with ``embed_documents``/``embed_query`` (LangChain ``Embeddings``
    included).  Subclass this to inherit async methods that run the sync ones in a thread.

    Examples:
        >>> import asyncio
        >>> from stategraph.store.base.embed import Embeddings
        >>> from stategraph.store.memory import InMemoryStore
        >>> class Lengths(Embeddings):  # a toy embedder: (length of the text, 1)
        ...     def embed_documents(self, texts):
        ...         return [[float(len(text)), 1.0] for text in texts]
        ...     def embed_query(self, text):
        ...         return self.embed_documents([text])[0]
        >>> asyncio.run(Lengths().aembed_query("abc"))  # inherited async form
        [3.0, 1.0]
        >>> store = InMemoryStore(index={"dims": 2, "embed": Lengths()})
        >>> store.put(("docs",), "a", {"text": "hi"})
        >>> [hit.key for hit in store.search(("docs",), query="yo")]
        ['a']
    """

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Return one vector per text, in order."""
        ...

    def embed_query(self, text: str) -> list[float]:
        """Return the vector of one search query."""
        ...

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """Async ``embed_documents`` (default: the sync method in a worker thread)."""
        return await asyncio.to_thread(self.embed_documents, texts)

    async def aembed_query(self, text: str) -> list[float]:
        """Async ``embed_query`` (default: the sync method in a worker thread)."""
        return await asyncio.to_thread(self.embed_query, text)


def _checked(vectors: Any, texts: Sequence[str]) -> list[list[float]]:
    if not isinstance(vectors, Sequence) or len(vectors) != len(texts):
        got = len(vectors) if isinstance(vectors, Sequence) else type(vectors).__name__
        raise StoreError(
            f"The embedding function returned {got} vectors for {len(texts)} texts; it must "
            "return one list of floats per input text, in order.",
            code=ErrorCode.STORE_EMBEDDING,
        )
    return [list(v) for v in vectors]


class _FunctionEmbeddings(Embeddings):
    """``Embeddings`` over a batch function; an async function also serves the sync methods."""

    def __init__(self, func: Callable[[Sequence[str]], Any]) -> None:
        self.func = func
        self.is_async = _is_async_callable(func)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if self.is_async:
            return _run_blocking(lambda: self.aembed_documents(texts))
        return _checked(self.func(texts), texts)

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        if not self.is_async:
            return await asyncio.to_thread(self.embed_documents, texts)
        return _checked(await self.func(texts), texts)

    async def aembed_query(self, text: str) -> list[float]:
        return (await self.aembed_documents([text]))[0]


def ensure_embeddings(
    embed: Embeddings | EmbeddingsFunc | AEmbeddingsFunc | str | None,
) -> Embeddings:
    """Return an ``Embeddings`` object for an embedder given in any accepted form.

    Raises ``StoreError`` (E404) for ``None`` or an object that cannot embed.

    Examples:
        >>> import asyncio
        >>> from stategraph.store.base.embed import ensure_embeddings
        >>> emb = ensure_embeddings(lambda texts: [[1.0, float(len(t))] for t in texts])
        >>> emb.embed_query("four")
        [1.0, 4.0]
        >>> async def aembed(texts):
        ...     return [[float(len(t))] for t in texts]
        >>> asyncio.run(ensure_embeddings(aembed).aembed_documents(["a", "bb"]))
        [[1.0], [2.0]]
        >>> try:
        ...     ensure_embeddings(None)
        ... except Exception as e:
        ...     print(type(e).__name__, e.code.value)
        StoreError E404
    """
    if embed is None:
        raise StoreError(
            "ensure_embeddings() got None: pass an Embeddings object, a function "
            "list[str] -> list[list[float]] or a 'provider:model' string.",
            code=ErrorCode.STORE_EMBEDDING,
        )
    if isinstance(embed, str):
        embed = _resolve_provider(embed)
    if hasattr(embed, "embed_documents"):
        return embed  # type: ignore[return-value]
    if not callable(embed):
        raise StoreError(
            f"ensure_embeddings() cannot use {embed!r}: pass an object with embed_documents/"
            "embed_query, a (sync or async) function list[str] -> list[list[float]], or a "
            "'provider:model' string.",
            code=ErrorCode.STORE_EMBEDDING,
        )
    return _FunctionEmbeddings(embed)
