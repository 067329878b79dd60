"""The storage layout shared by all backends: blob planning, writes, metadata filters."""

from __future__ import annotations

import json
from typing import Any

import pytest

from stategraph.checkpoint import _records as records
from stategraph.checkpoint._records import BlobRef
from stategraph.checkpoint.base import empty_checkpoint
from stategraph.checkpoint.serde import JsonPlusSerializer
from stategraph.errors import CheckpointError, ErrorCode


def _checkpoint(values: dict, versions: dict) -> dict:
    checkpoint = empty_checkpoint()
    checkpoint.update(id="c2", channel_values=values, channel_versions=versions)
    return checkpoint


def test_plan_blobs_reuses_only_same_version_parent_blobs() -> None:
    parent = {
        "same": BlobRef(1, "c1"), "bumped": BlobRef(1, "c1"), "gone": BlobRef(1, "c1"), "drifted": BlobRef(1, "c1"),
    }  # fmt: skip
    checkpoint = _checkpoint(
        {"same": 1, "bumped": 2, "new": 3, "stale": 4, "drifted": 5},
        {"same": 1, "bumped": 2, "new": 1, "stale": 5, "gone": 2, "drifted": 3},
    )
    refs, to_store = records.plan_blobs("c2", checkpoint, {"bumped": 2, "new": 1}, parent)
    assert refs == {
        "same": BlobRef(1, "c1"), "bumped": BlobRef(2, "c2"), "new": BlobRef(1, "c2"),
        "stale": BlobRef(5, "c2"), "drifted": BlobRef(3, "c2"),
    }  # fmt: skip
    # "stale": the parent lacks it; "drifted": the parent has another version of it.
    assert to_store == ["bumped", "new", "stale", "drifted"]
    assert records.decode_refs(records.encode_refs(refs)) == refs


def test_decode_refs_rejects_malformed_text() -> None:
    for text in ("1", '{"a": 1}', '{"a": [1]}', '{"a": [1, 2]}'):
        with pytest.raises(ValueError):
            records.decode_refs(text)


def test_write_rows_give_special_channels_fixed_indexes() -> None:
    rows = records.write_rows([("a", 1), ("__interrupt__", 2), ("b", 3), ("__error__", 4)])
    assert [(r.idx, r.channel, r.upsert) for r in rows] == [
        (0, "a", False), (-3, "__interrupt__", True), (2, "b", False), (-1, "__error__", True),
    ]  # fmt: skip


def test_filters_compare_canonical_json_with_missing_as_null() -> None:
    metadata = records.encode_metadata({"b": {"y": 1, "x": [1.5, None]}, "a": "é"})
    assert metadata == '{"a":"\\u00e9","b":{"x":[1.5,null],"y":1}}'
    match = lambda **f: records.metadata_matches(metadata, records.filter_pairs(f))  # noqa: E731
    assert match(a="é", b={"x": [1.5, None], "y": 1})
    assert match(missing=None)
    assert not match(b={"x": [1.5, None]})
    assert not match(a="e")


def test_filter_and_metadata_errors() -> None:
    with pytest.raises(CheckpointError):
        records.filter_pairs({"k": object()})
    with pytest.raises(CheckpointError):
        records.filter_pairs({1: "x"})
    with pytest.raises(TypeError, match=r"metadata\.a\[1\]"):
        records.encode_metadata({"a": [1, {1, 2}]})
    with pytest.raises(TypeError):
        records.encode_metadata({"nan": float("nan")})


def test_encode_value_reports_paths_from_the_state_root() -> None:
    serde = JsonPlusSerializer()
    with pytest.raises(TypeError) as raised:
        records.encode_value(serde, "messages", [1, {"x": object()}])
    assert raised.value.path == "$.messages[1].x"
    assert " at $.messages[1].x." in str(raised.value)
    with pytest.raises(TypeError) as raised:
        records.encode_value(serde, "branch:to:a", object())
    assert raised.value.path == "$['branch:to:a']"


def test_config_target_defaults_the_namespace() -> None:
    assert records.config_target({"configurable": {"thread_id": 7}}) == ("7", "", None)
    assert records.config_target({"configurable": {"thread_id": "t", "checkpoint_ns": "a:1", "checkpoint_id": "c"}}) == (
        "t", "a:1", "c",
    )  # fmt: skip


@pytest.mark.parametrize(
    "metadata",
    [
        {"source": "loop", "step": 3, "parents": {}},
        {"nested": {"a": [1, 2.5, None, True, {"b": "c"}]}, "unicode": "é\ud800"},
        {"tuple": (1, 2), "sub": {"t": (3,)}},  # tuples come back as lists, as from JSON
        {"int_key": {1: "a"}},  # non-str keys come back as strings, as from JSON
        {"neg_zero": -0.0, "big": 2**70},
    ],
)
def test_metadata_copy_equals_the_json_round_trip(metadata: dict[str, Any]) -> None:
    copied = records.metadata_copy(metadata)
    assert copied == json.loads(records.encode_metadata(metadata))
    assert records.canonical_json(copied) == records.encode_metadata(metadata)


def test_metadata_copy_is_deep_and_refuses_what_json_refuses() -> None:
    inner = {"a": [1]}
    copied = records.metadata_copy({"inner": inner})
    inner["a"].append(2)
    assert copied == {"inner": {"a": [1]}}
    for bad in ({"x": float("nan")}, {"x": object()}, {"x": {"y": {2, 3}}}):
        with pytest.raises(TypeError) as raised:
            records.metadata_copy(bad)
        assert raised.value.code is ErrorCode.CHECKPOINT_NOT_SERIALIZABLE


@pytest.mark.parametrize(
    "refs",
    [
        {},
        {"x": BlobRef(3, "1f1e-a")},
        {"é\\\"q": BlobRef(2**70, "o\u2028"), "branch:to:n": BlobRef(1, "b")},
        {"s": BlobRef("7.0001", "o"), "f": BlobRef(1.5, "o"), "b": BlobRef(True, "o")},
    ],
)
def test_encode_refs_is_json_dumps_and_decodes_back(refs: dict[str, BlobRef]) -> None:
    text = records.encode_refs(refs)
    assert text == json.dumps({c: [r.version, r.origin] for c, r in refs.items()})
    assert records.decode_refs(text) == refs
