"""EncryptedSerializer: AES-GCM at rest, tagged, authenticated, plaintext still readable."""

from __future__ import annotations

import os
import sqlite3
from typing import Any

import pytest

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.checkpoint.serde import EncryptedSerializer, JsonPlusSerializer
from stategraph.checkpoint.sqlite import SqliteSaver
from stategraph.errors import CheckpointError, ErrorCode, SerializationError

from ..conformance import config, make_checkpoint

KEY = b"k" * 32


def test_round_trip_tags_and_hides_the_plaintext() -> None:
    serde = EncryptedSerializer.from_aes(key=KEY)
    tag, data = serde.dumps_typed({"secret": "MARKER-987", "t": (1, 2)})
    assert tag == "msgpack+aes"
    assert b"MARKER-987" not in data
    assert serde.loads_typed((tag, data)) == {"secret": "MARKER-987", "t": (1, 2)}
    assert serde.dumps_typed(None)[0] == "null+aes"
    assert serde.loads_typed(serde.dumps_typed(b"raw")) == b"raw"
    assert serde.dumps_typed("same") != serde.dumps_typed("same")  # fresh nonce every time


def test_unencrypted_data_still_loads() -> None:
    plain = JsonPlusSerializer().dumps_typed({"a": 1})
    assert EncryptedSerializer.from_aes(key=KEY).loads_typed(plain) == {"a": 1}


def test_wrong_key_or_tampering_is_detected() -> None:
    tag, data = EncryptedSerializer.from_aes(key=KEY).dumps_typed("x")
    other = EncryptedSerializer.from_aes(key=b"o" * 16)
    for attempt in (lambda: other.loads_typed((tag, data)),
                    lambda: EncryptedSerializer.from_aes(key=KEY).loads_typed((tag, data[:-1] + bytes([data[-1] ^ 1])))):  # fmt: skip
        with pytest.raises(SerializationError) as raised:
            attempt()
        assert raised.value.code is ErrorCode.CHECKPOINT_CORRUPT
        assert "wrong" in str(raised.value)
    with pytest.raises(SerializationError) as raised:
        EncryptedSerializer.from_aes(key=KEY).loads_typed(("msgpack+rot13", data))
    assert raised.value.code is ErrorCode.CHECKPOINT_UNKNOWN_TYPE


def test_key_from_environment_and_bad_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGGRAPH_AES_KEY", "0123456789abcdef")
    from_env = EncryptedSerializer.from_aes()
    explicit = EncryptedSerializer.from_pycryptodome_aes(key=b"0123456789abcdef")
    assert explicit.loads_typed(from_env.dumps_typed([1])) == [1]
    monkeypatch.delenv("LANGGRAPH_AES_KEY")
    for make in (
        lambda: EncryptedSerializer.from_aes(),
        lambda: EncryptedSerializer.from_aes(key=b"short"),
    ):
        with pytest.raises(CheckpointError) as raised:
            make()
        assert raised.value.code is ErrorCode.CHECKPOINT_BAD_ARGUMENT


def test_with_allowlist_keeps_encryption() -> None:
    import dataclasses

    @dataclasses.dataclass
    class Local:
        x: int

    serde = EncryptedSerializer.from_aes(key=KEY)
    extended = serde.with_allowlist([Local])
    data = serde.dumps_typed(Local(1))
    assert data[0] == "msgpack+aes" and extended.loads_typed(data) == Local(1)
    with pytest.raises(SerializationError):
        serde.loads_typed(data)


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_savers_store_only_ciphertext(kind: str, tmp_path: Any) -> None:
    path = os.fspath(tmp_path / "enc.sqlite")
    serde = EncryptedSerializer.from_aes(key=KEY)
    # "v" is stored as a blob row; "w" is small enough for the SQL refs (checkpoint._refs)
    values = {"v": "MARKER-555" * 40, "w": "SMALL-777"}
    checkpoint = make_checkpoint(values, {"v": 1, "w": 1})
    if kind == "memory":
        saver: Any = InMemorySaver(serde=serde)
        saved = saver.put(config("t"), checkpoint, {}, {"v": 1, "w": 1})
        stored = b"".join(data for _, data in saver.blobs.values())
        assert saver.get(saved)["channel_values"] == values
    else:
        with SqliteSaver.from_conn_string(path, serde=serde) as saver:
            saved = saver.put(config("t"), checkpoint, {}, {"v": 1, "w": 1})
            assert saver.get(saved)["channel_values"] == values
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            assert {row[0] for row in conn.execute("SELECT type FROM checkpoint_blobs")} == {
                "msgpack+aes"
            }
            (refs,) = conn.execute("SELECT blob_refs FROM checkpoints").fetchone()
            assert '"w",1,0,"msgpack+aes"' in refs
        with open(path, "rb") as file:
            stored = file.read()
        assert b"SMALL-777" not in stored
        with SqliteSaver.from_conn_string(path) as keyless:
            with pytest.raises(NotImplementedError, match="EncryptedSerializer") as raised:
                keyless.get(saved)
            assert raised.value.code is ErrorCode.CHECKPOINT_UNKNOWN_TYPE
    assert stored and b"MARKER-555" not in stored
