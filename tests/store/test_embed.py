"""store._embed: every supported kind of ``embed``, through the sync and async entry points."""

from __future__ import annotations

from typing import Any

import pytest

from stategraph.errors import ErrorCode, StoreError
from stategraph.store._embed import Embedder, EmbedRequest, ensure_embedder

pytestmark = pytest.mark.anyio


def lengths(texts: list[str]) -> list[list[float]]:
    return [[float(len(text)), 1.0] for text in texts]


async def async_lengths(texts: list[str]) -> list[list[float]]:
    return lengths(texts)


class AsyncCallable:
    async def __call__(self, texts: list[str]) -> list[list[float]]:
        return lengths(texts)


class DocsOnly:
    """An embeddings object without embed_query: queries go through embed_documents."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(texts)
        return lengths(texts)


class AsyncDocs(DocsOnly):
    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[-x for x in v] for v in lengths(texts)]  # tells the async path apart


@pytest.fixture(params=["sync", "async"])
def fill(request: pytest.FixtureRequest):
    async def run(embedder: Embedder, request_: EmbedRequest) -> None:
        if request.param == "sync":
            embedder.fill(request_)
        else:
            await embedder.afill(request_)

    return run


def request_for(docs: list[str], queries: list[str]) -> EmbedRequest:
    return EmbedRequest(dict.fromkeys(docs), dict.fromkeys(queries))


@pytest.mark.parametrize("embed", [lengths, async_lengths, AsyncCallable(), DocsOnly()], ids=repr)
async def test_fill_embeds_documents_and_queries(fill: Any, embed: Any) -> None:
    request = request_for(["a", "bbb"], ["cc"])
    await fill(ensure_embedder(embed), request)
    assert request.documents == {"a": [1.0, 1.0], "bbb": [3.0, 1.0]}
    assert request.queries == {"cc": [2.0, 1.0]}


async def test_async_object_methods_are_used_when_present() -> None:
    request = request_for(["ab"], ["c"])
    await ensure_embedder(AsyncDocs()).afill(request)
    assert request.documents == {"ab": [-2.0, -1.0]}
    assert request.queries == {"c": [1.0, 1.0]}  # no aembed_query: sync embed_query path


async def test_object_is_not_called_for_empty_document_list(fill: Any) -> None:
    embeddings = DocsOnly()
    await fill(ensure_embedder(embeddings), request_for([], ["q"]))
    assert embeddings.calls == [["q"]]


def test_empty_request_is_falsy() -> None:
    assert not EmbedRequest() and request_for(["a"], [])


@pytest.mark.parametrize("result", [[[1.0]], "nope", [[1.0], [2.0], [3.0]]], ids=repr)
async def test_wrong_vector_count_is_refused(fill: Any, result: Any) -> None:
    embedder = ensure_embedder(lambda texts: result)
    with pytest.raises(StoreError, match="must return one list of floats per input text") as caught:
        await fill(embedder, request_for(["a", "b"], []))
    assert caught.value.code is ErrorCode.STORE_EMBEDDING


def test_ensure_embedder_accepts_an_embedder_and_refuses_junk() -> None:
    embedder = ensure_embedder(lengths)
    assert ensure_embedder(embedder) is embedder
    with pytest.raises(StoreError, match="not usable"):
        ensure_embedder(3.5)
