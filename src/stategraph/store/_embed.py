"""Adapt the user's ``IndexConfig["embed"]`` to one interface and batch texts per store call.

``embed`` may be an object with ``embed_documents``/``embed_query`` (+ optional
``aembed_*``, e.g. a LangChain ``Embeddings``), a sync function
``list[str] -> list[list[float]]``, an async function of that shape, or a
``"provider:model"`` string resolved through LangChain when it is installed.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..errors import ErrorCode, StoreError

__all__ = ["EmbedRequest", "Embedder", "ensure_embedder"]

RawVector = Sequence[float]


@dataclass
class EmbedRequest:
    """The distinct document and query texts of one batch; each is embedded once."""

    documents: dict[str, RawVector | None] = field(default_factory=dict)
    queries: dict[str, RawVector | None] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.documents or self.queries)


def _embedding_error(message: str) -> StoreError:
    return StoreError(message, code=ErrorCode.STORE_EMBEDDING)


def _check_count(vectors: Any, texts: Sequence[str], source: str) -> list[RawVector]:
    if not isinstance(vectors, Sequence) or len(vectors) != len(texts):
        count = len(vectors) if isinstance(vectors, Sequence) else type(vectors).__name__
        raise _embedding_error(
            f"The index's embed {source} returned {count} vectors for {len(texts)} texts. "
            "It must return one list of floats per input text, in order."
        )
    return list(vectors)


def _run_blocking(make_coroutine: Callable[[], Awaitable[Any]]) -> Any:
    """Run an async embedder from sync code, even when this thread already runs a loop."""

    async def runner() -> Any:
        return await make_coroutine()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, runner()).result()


class Embedder:
    """One front for every supported kind of ``embed``; sync and async entry points."""

    def __init__(self, embed: Any) -> None:
        self._target = embed
        self._is_object = hasattr(embed, "embed_documents")
        self._is_async_fn = not self._is_object and _is_async_callable(embed)

    def fill(self, request: EmbedRequest) -> None:
        """Embed every text of ``request`` in place, blocking."""
        if self._is_async_fn:
            self._store(request, *_run_blocking(lambda: self._call_async_fn(request)))
        elif self._is_object:
            self._store(request, *self._call_object(request))
        else:
            self._store(request, *self._call_sync_fn(request))

    async def afill(self, request: EmbedRequest) -> None:
        """Embed every text of ``request`` in place without blocking the event loop."""
        if self._is_async_fn:
            self._store(request, *await self._call_async_fn(request))
        elif self._is_object and hasattr(self._target, "aembed_documents"):
            self._store(request, *await self._call_object_async(request))
        else:  # why: sync embedders (often network-bound) must not stall the loop
            await asyncio.to_thread(self.fill, request)

    @staticmethod
    def _store(request: EmbedRequest, docs: list[RawVector], queries: list[RawVector]) -> None:
        request.documents.update(zip(list(request.documents), docs, strict=True))
        request.queries.update(zip(list(request.queries), queries, strict=True))

    def _call_sync_fn(self, request: EmbedRequest) -> tuple[list[RawVector], list[RawVector]]:
        texts = [*request.documents, *request.queries]
        vectors = _check_count(self._target(texts), texts, "function")
        return vectors[: len(request.documents)], vectors[len(request.documents) :]

    async def _call_async_fn(
        self, request: EmbedRequest
    ) -> tuple[list[RawVector], list[RawVector]]:
        texts = [*request.documents, *request.queries]
        vectors = _check_count(await self._target(texts), texts, "function")
        return vectors[: len(request.documents)], vectors[len(request.documents) :]

    def _call_object(self, request: EmbedRequest) -> tuple[list[RawVector], list[RawVector]]:
        docs = list(request.documents)
        doc_vectors = self._target.embed_documents(docs) if docs else []
        query_vectors = [self._embed_query(q) for q in request.queries]
        return _check_count(doc_vectors, docs, "embed_documents"), query_vectors

    async def _call_object_async(
        self, request: EmbedRequest
    ) -> tuple[list[RawVector], list[RawVector]]:
        docs = list(request.documents)
        doc_vectors = await self._target.aembed_documents(docs) if docs else []
        if hasattr(self._target, "aembed_query"):
            query_vectors = [await self._target.aembed_query(q) for q in request.queries]
        else:
            query_vectors = [await asyncio.to_thread(self._embed_query, q) for q in request.queries]
        return _check_count(doc_vectors, docs, "aembed_documents"), query_vectors

    def _embed_query(self, query: str) -> RawVector:
        if hasattr(self._target, "embed_query"):
            return self._target.embed_query(query)
        return _check_count(self._target.embed_documents([query]), [query], "embed_documents")[0]


def _is_async_callable(obj: Any) -> bool:
    return inspect.iscoroutinefunction(obj) or inspect.iscoroutinefunction(
        getattr(obj, "__call__", None)  # noqa: B004 - async callable objects count too
    )


def _resolve_provider(spec: str) -> Any:
    try:
        from langchain.embeddings import init_embeddings  # type: ignore[import-not-found]
    except ImportError as exc:
        raise _embedding_error(
            f"Index embed {spec!r} is a provider string, which needs the 'langchain' package "
            "(pip install langchain). Or pass an embeddings object or a function "
            "list[str] -> list[list[float]]."
        ) from exc
    return init_embeddings(spec)


def ensure_embedder(embed: Any) -> Embedder:
    """Return an Embedder for ``embed``, raising StoreError (E404) if it is unusable."""
    if isinstance(embed, Embedder):
        return embed
    if isinstance(embed, str):
        embed = _resolve_provider(embed)
    if not (hasattr(embed, "embed_documents") or callable(embed)):
        raise _embedding_error(
            f"Index embed {embed!r} is not usable: pass an object with embed_documents/"
            "embed_query, a (sync or async) function list[str] -> list[list[float]], "
            "or a 'provider:model' string."
        )
    return Embedder(embed)
