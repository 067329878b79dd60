"""testing.embeddings: deterministic fake embeddings whose similarity follows shared words."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from stategraph.store._vector import cosine
from stategraph.testing import FakeEmbeddings, fake_embed
from stategraph.testing.embeddings import DEFAULT_DIMS

pytestmark = pytest.mark.anyio


def test_vectors_are_unit_length_with_requested_dims() -> None:
    vectors = fake_embed(["hello world", "one"], dims=16)
    assert [len(v) for v in vectors] == [16, 16]
    assert all(math.isclose(math.fsum(x * x for x in v), 1.0) for v in vectors)
    assert len(fake_embed(["x"])[0]) == DEFAULT_DIMS


def test_text_without_words_is_the_zero_vector() -> None:
    assert fake_embed(["", "!!"], dims=4) == [[0.0] * 4, [0.0] * 4]


def test_case_and_punctuation_do_not_matter() -> None:
    assert fake_embed(["Cats, purr!"]) == fake_embed(["cats purr"])


def test_shared_words_score_higher() -> None:
    query, near, far = fake_embed(["the cat sat", "a cat sat down", "stock prices rose"])
    assert cosine(query, near) > cosine(query, far)
    assert cosine(query, query) == pytest.approx(1.0)


def test_deterministic_across_processes() -> None:
    code = "from stategraph.testing import fake_embed; print(fake_embed(['alpha beta'], 8))"
    env = {"PYTHONHASHSEED": "7"}
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert output.stdout.strip() == str(fake_embed(["alpha beta"], 8))


def test_argument_errors() -> None:
    with pytest.raises(TypeError, match=r"wrap a single text as \[text\]"):
        fake_embed("just a string")
    with pytest.raises(ValueError, match="dims=0"):
        fake_embed(["x"], dims=0)
    with pytest.raises(ValueError, match="dims=-1"):
        FakeEmbeddings(-1)


async def test_embeddings_object_sync_and_async() -> None:
    embeddings = FakeEmbeddings(8)
    assert embeddings.embed_documents(["a b"]) == fake_embed(["a b"], 8)
    assert embeddings.embed_query("a b") == fake_embed(["a b"], 8)[0]
    assert await embeddings.aembed_documents(["c"]) == fake_embed(["c"], 8)
    assert await embeddings.aembed_query("c") == fake_embed(["c"], 8)[0]
    assert embeddings.calls == [["a b"], ["a b"], ["c"], ["c"]]
    assert repr(embeddings) == "FakeEmbeddings(dims=8)"
