"""Compact blob refs with inline small values (checkpoint/_refs.py)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stategraph.checkpoint._records import BlobRef, decode_refs
from stategraph.checkpoint._refs import (
    INLINE_LIMIT,
    _encode_compact_json,
    decode_compact,
    encode_compact,
    is_inlined,
    spill_carried,
)


def test_refs_name_their_row_and_its_parent_by_shorthand() -> None:
    refs = {
        "own": BlobRef(3, "c2"),
        "parent's": BlobRef(2, "c1"),
        "older": BlobRef(1, "c0"),
        "flag": BlobRef(3, "c2", ("msgpack", b"\xc3")),
        "none": BlobRef("7.1", "c2", ("null", b"")),
    }
    text = encode_compact(refs, "c2", "c1")
    assert text.startswith("[") and text.count("c2") == 0 and text.count("c1") == 0
    assert decode_refs(text, "c2", "c1") == refs
    assert decode_compact(text, "c2", "c1", BlobRef) == refs


def test_a_root_checkpoint_has_no_parent_shorthand() -> None:
    refs = {"a": BlobRef(1, "c1")}
    assert decode_refs(encode_compact(refs, "c1", None), "c1", None) == refs
    with pytest.raises(ValueError):
        decode_refs('[["a",1,1]]', "c1", None)


@pytest.mark.parametrize(
    "text",
    ["[1", "{}x", '["a"]', '[["a",1]]', '[[1,1,0]]', '[["a",1,2]]', '[["a",1,true]]',
     '[["a",1,0,"msgpack"]]', '[["a",1,0,"msgpack","!!"]]', '[["a",1,0,1,""]]'],
)  # fmt: skip
def test_malformed_compact_refs_raise_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        decode_refs(text, "c1", "c0")


def test_old_json_refs_still_decode() -> None:
    assert decode_refs('{"a": [1, "c0"]}', "c1", "c0") == {"a": BlobRef(1, "c0")}


def test_only_small_non_list_values_are_inlined() -> None:
    assert is_inlined(None, ("null", b""))
    assert is_inlined("x", ("msgpack", b"x" * INLINE_LIMIT))
    assert not is_inlined("x", ("msgpack", b"x" * (INLINE_LIMIT + 1)))
    assert not is_inlined([], ("msgpack", b"\x90"))  # a list may become a delta base
    assert not is_inlined([1], None)


def test_a_kept_inline_value_becomes_a_blob_of_its_origin() -> None:
    inline = BlobRef(1, "c1", ("msgpack", b"\x01"))
    refs = {"kept": inline, "plain": BlobRef(2, "c0")}
    assert spill_carried(refs, BlobRef) == [("kept", inline)]
    assert refs == {"kept": BlobRef(1, "c1"), "plain": BlobRef(2, "c0")}


_ids = st.sampled_from(["c0", "c1", "c2"]) | st.text(max_size=40)
_refs = st.dictionaries(
    st.text(max_size=12),
    st.builds(
        BlobRef,
        st.integers(min_value=-(2**70), max_value=2**70) | st.booleans() | st.text(max_size=5),
        _ids,
        st.none() | st.tuples(st.text(max_size=8), st.binary(max_size=INLINE_LIMIT)),
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(refs=_refs, parent=st.none() | _ids)
def test_formatted_refs_are_the_json_encoders_text(
    refs: dict[str, BlobRef], parent: str | None
) -> None:
    # the direct formatter must write the very text the JSON encoder would (any channel
    # names, ids, int/bool/str versions, inline values), and it must load back
    text = encode_compact(refs, "c2", parent)
    assert text == json.dumps(json.loads(text), separators=(",", ":"))
    assert text == _encode_compact_json(refs, "c2", parent)
    if all(type(ref.version) is not bool for ref in refs.values()):
        assert decode_compact(text, "c2", parent, BlobRef) == refs
