"""stategraph.store.base.embed: ensure_embeddings over every accepted embedder form."""

from __future__ import annotations

import asyncio

import pytest

from stategraph.errors import ErrorCode, StoreError
from stategraph.store.base import Embeddings as LazyEmbeddings
from stategraph.store.base import ensure_embeddings as lazy_ensure
from stategraph.store.base.embed import Embeddings, ensure_embeddings
from stategraph.store.memory import InMemoryStore


def by_length(texts):
    return [[float(len(t)), 1.0] for t in texts]


async def by_length_async(texts):
    await asyncio.sleep(0)
    return by_length(texts)


class Letters(Embeddings):
    def embed_documents(self, texts):
        return by_length(texts)

    def embed_query(self, text):
        return by_length([text])[0]


@pytest.mark.parametrize("func", [by_length, by_length_async], ids=["sync", "async"])
def test_functions_get_all_four_methods(func) -> None:
    emb = ensure_embeddings(func)
    assert emb.embed_documents(["a", "bcd"]) == [[1.0, 1.0], [3.0, 1.0]]
    assert emb.embed_query("xy") == [2.0, 1.0]
    assert asyncio.run(emb.aembed_documents(["abcd"])) == [[4.0, 1.0]]
    assert asyncio.run(emb.aembed_query("")) == [0.0, 1.0]


def test_objects_pass_through_and_subclasses_inherit_async() -> None:
    letters = Letters()
    assert ensure_embeddings(letters) is letters
    assert asyncio.run(letters.aembed_documents(["ab"])) == [[2.0, 1.0]]
    assert isinstance(letters, Embeddings)


@pytest.mark.parametrize("bad", [None, 42])
def test_unusable_embedders_are_store_errors(bad) -> None:
    with pytest.raises(StoreError) as info:
        ensure_embeddings(bad)
    assert info.value.code is ErrorCode.STORE_EMBEDDING
    assert "list[str] -> list[list[float]]" in str(info.value)


def test_a_wrong_number_of_vectors_is_reported() -> None:
    emb = ensure_embeddings(lambda texts: [[1.0]])
    with pytest.raises(StoreError, match="returned 1 vectors for 2 texts"):
        emb.embed_documents(["a", "b"])


def test_store_base_serves_the_same_names_and_a_store_accepts_the_result() -> None:
    assert LazyEmbeddings is Embeddings and lazy_ensure is ensure_embeddings
    store = InMemoryStore(
        index={"dims": 2, "embed": ensure_embeddings(by_length), "fields": ["text"]}
    )
    store.put(("docs",), "short", {"text": "ab"})
    store.put(("docs",), "long", {"text": "abcdefgh"})
    assert [item.key for item in store.search(("docs",), query="abcdefg")][0] == "long"
