"""Id keys (checkpoint/_sql/id_keys.py): 16 bytes for a uuid, same order as the texts."""

from __future__ import annotations

import sqlite3
import uuid

from hypothesis import given
from hypothesis import strategies as st

from stategraph.checkpoint._ids import new_checkpoint_id
from stategraph.checkpoint._sql.id_keys import to_key, to_text

_UUID_TEXT = st.uuids().map(str)
# texts near uuid texts: every character that matters to the order, at every position
_NEAR = st.builds(
    lambda text, cut, tail: text[:cut] + tail,
    _UUID_TEXT,
    st.integers(0, 37),
    st.text(alphabet="0189:`aAfgz-,. \u00e9", max_size=3),
)
IDS = st.one_of(_UUID_TEXT, _NEAR, st.text(max_size=40))


def _sqlite_order(texts: list[str]) -> list[str]:
    with sqlite3.connect(":memory:") as conn:
        conn.execute("CREATE TABLE t (id TEXT PRIMARY KEY) WITHOUT ROWID")
        conn.executemany("INSERT INTO t VALUES (?)", [(to_key(text),) for text in texts])
        return [to_text(key) for (key,) in conn.execute("SELECT id FROM t ORDER BY id")]


def test_a_uuid_is_stored_as_its_16_bytes() -> None:
    checkpoint_id = new_checkpoint_id()
    assert to_key(checkpoint_id) == uuid.UUID(checkpoint_id).bytes
    assert to_text(to_key(checkpoint_id)) == checkpoint_id


def test_other_texts_are_not_taken_for_uuids() -> None:
    upper = str(uuid.uuid4()).upper()
    for text in (upper, "1", "", "checkpoint-1", str(uuid.uuid4()).replace("-", " ")):
        key = to_key(text)
        assert not (type(key) is bytes and len(key) == 16)  # 16 bytes read back as a uuid
        assert to_text(to_key(text)) == text


@given(st.lists(IDS, unique=True, max_size=30))
def test_keys_round_trip_and_sort_as_their_texts_do_in_sqlite(texts: list[str]) -> None:
    assert [to_text(to_key(text)) for text in texts] == texts
    assert _sqlite_order(texts) == sorted(texts)


def test_a_thread_mixing_uuids_and_other_ids_keeps_the_text_order() -> None:
    texts = ["", "0", "1", "1f0", "1f1e7b8d-2bd3-69b5-8bb6-f4dffe233394",
             "1f1e7b8d-2bd3-69b5-8bb6-f4dffe233394x", "1f1e7b8d-2bd3-69b5-8bb6-f4dffe23339Z",
             "1f1e7b8d-2bd3-69b5-8bb6-f4dffe23339g", "2", "checkpoint-2", "ffffffff-ffff-ffff-ffff-ffffffffffff",
             "g"]  # fmt: skip
    assert _sqlite_order(list(reversed(texts))) == sorted(texts)
