"""How checkpoints, value blobs and writes are laid out in storage, for every backend.

A stored checkpoint holds no channel values; it holds ``blob_refs``, mapping each
non-empty channel to ``[version, origin]``: the checkpoint id that stored the value.
Blobs are keyed ``(thread, ns, channel, origin)``, so a channel that did not change
reuses its parent's blob, and two forks that reach the same int version never share
or overwrite a blob.  A list that extends its parent's list is stored as a delta blob
on top of the parent's (see ``_delta``).  Metadata is canonical JSON so SQL can filter
on it.
"""

from __future__ import annotations

import json
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

from ..errors import CheckpointError, ErrorCode, SerializationError, coded
from . import _refs, _skeleton
from ._delta import BlobSource, load_value
from ._frozen import PLAIN_TYPE, thaw
from ._metadata import (
    canonical_json,
    encode_metadata,
    filter_pairs,
    metadata_copy,
    metadata_matches,
)
from .base import WRITES_IDX_MAP, Checkpoint, CheckpointTuple, Config
from .serde.base import SerializerProtocol
from .serde.jsonplus import JsonPlusSerializer, is_not_serializable, not_serializable

__all__ = [
    "BlobRef",
    "StoredCheckpoint",
    "WriteRow",
    "blob_stores",
    "canonical_json",
    "checkpoint_config",
    "config_target",
    "decode_refs",
    "decode_tuple",
    "encode_checkpoint",
    "encode_metadata",
    "encode_refs",
    "encode_value",
    "filter_pairs",
    "metadata_copy",
    "metadata_matches",
    "plan_blobs",
    "ref_tuple",
    "write_rows",
    "write_target",
]

Typed = tuple[str, bytes]


class StoredCheckpoint(NamedTuple):
    """One checkpoint as a backend stores it (one row)."""

    checkpoint_id: str
    parent_id: str | None
    type: str
    checkpoint: bytes | dict[str, Any]  # a dict only in memory (``_frozen.PLAIN_TYPE``)
    metadata: str | dict[str, Any]  # canonical JSON object (in memory: ``metadata_copy``)
    # JSON {channel: [version, origin checkpoint id]}; the in-memory saver keeps
    # ``ref_tuple`` instead (no JSON, and one plain tuple the garbage collector can untrack)
    blob_refs: str | tuple[Any, ...]


class BlobRef(NamedTuple):
    version: Any
    origin: str
    inline: Typed | None = None  # a small value kept in the refs, not in a blob (``_refs``)


class WriteRow(NamedTuple):
    idx: int
    channel: str
    value: Any
    upsert: bool  # special channels replace; regular writes are insert-if-absent


def config_target(config: Mapping[str, Any]) -> tuple[str, str, str | None]:
    """Return ``(thread_id, checkpoint_ns, checkpoint_id)`` from a run config."""
    configurable = config.get("configurable") or {}
    thread_id = configurable.get("thread_id")
    if thread_id is None:
        raise _no_thread_id()
    checkpoint_id = configurable.get("checkpoint_id") or configurable.get("thread_ts")
    return str(thread_id), configurable.get("checkpoint_ns") or "", checkpoint_id


def _no_thread_id() -> KeyError:
    return coded(  # type: ignore[no-any-return]  # a KeyError, as LangGraph's savers raise
        KeyError,
        "The config has no configurable.thread_id, so the saver cannot tell which thread "
        'to use. Pass config={"configurable": {"thread_id": "..."}}.',
        ErrorCode.CHECKPOINT_BAD_ARGUMENT,
    )


def list_configurable(config: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """The ``configurable`` of a ``list`` config: a given (non-empty) config names its thread."""
    configurable = (config or {}).get("configurable") or {}
    if config and configurable.get("thread_id") is None:
        raise _no_thread_id()
    return configurable


def write_target(config: Mapping[str, Any]) -> tuple[str, str, str]:
    """Like ``config_target`` but the checkpoint id is required (writes attach to it)."""
    thread_id, checkpoint_ns, checkpoint_id = config_target(config)
    if checkpoint_id is None:
        raise coded(  # a KeyError, as LangGraph's savers raise for the missing key
            KeyError,
            "put_writes needs configurable.checkpoint_id: writes belong to the checkpoint "
            "the task ran from. Pass the config returned by put().",
            ErrorCode.CHECKPOINT_BAD_ARGUMENT,
        )
    return thread_id, checkpoint_ns, checkpoint_id


def checkpoint_config(thread_id: str, checkpoint_ns: str, checkpoint_id: str) -> Config:
    """Return the config that names one checkpoint."""
    return {
        "configurable": {
            "thread_id": thread_id,
            "checkpoint_ns": checkpoint_ns,
            "checkpoint_id": checkpoint_id,
        }
    }


# --- channel value blobs ----------------------------------------------------------------


def plan_blobs(
    checkpoint_id: str,
    checkpoint: Checkpoint,
    new_versions: Mapping[str, Any],
    parent_refs: Mapping[str, BlobRef],
) -> tuple[dict[str, BlobRef], list[str]]:
    """Decide each channel's blob: reuse the parent's or store a new one.

    Returns the refs of the new checkpoint and the channels whose value must be
    stored.  A channel reuses the parent's blob only if it is not in ``new_versions``
    and the parent stored it at the same version; a channel absent from
    ``channel_values`` is empty and gets no ref.
    """
    versions = checkpoint["channel_versions"]
    refs: dict[str, BlobRef] = {}
    to_store: list[str] = []
    for channel in checkpoint["channel_values"]:
        version = new_versions[channel] if channel in new_versions else versions.get(channel)
        parent = parent_refs.get(channel)
        if channel not in new_versions and parent is not None and parent.version == version:
            refs[channel] = parent
        else:
            refs[channel] = BlobRef(version, checkpoint_id)
            to_store.append(channel)
    return refs, to_store


def blob_stores(
    serde: SerializerProtocol,
    values: Mapping[str, Any],
    encoded: Mapping[str, Typed],
    to_store: Sequence[str],
    parent_refs: Mapping[str, BlobRef],
    deferred: Container[str] = (),
) -> dict[str, tuple[Any, Typed | None, str | None]]:
    """Return, per channel to store, its value, full blob and the parent's blob origin.

    ``encoded`` holds the blobs already made (before the transaction); the rest are
    encoded here, except ``deferred`` channels (lists that may need only their new items
    encoded: their blob is None).  ``_delta.plan_list_blobs`` takes the result.
    """
    return {
        channel: (
            values[channel],
            None
            if channel in deferred
            else encoded.get(channel) or encode_value(serde, channel, values[channel]),
            parent_refs[channel].origin if channel in parent_refs else None,
        )
        for channel in to_store
    }


def encode_refs(refs: Mapping[str, BlobRef]) -> str:
    """Serialize blob refs as the JSON object rows held before compact refs (``_refs``).

    No saver writes this form any more (they write ``_refs.encode_compact``); ``decode_refs``
    still reads it, and tests use this to build rows of the earlier layout.
    """
    return json.dumps({channel: [ref.version, ref.origin] for channel, ref in refs.items()})


def ref_tuple(refs: Mapping[str, BlobRef]) -> tuple[Any, ...]:
    """Blob refs as one flat ``(channel, version, origin, ...)`` tuple (in-memory form)."""
    return tuple([part for channel, ref in refs.items() for part in (channel, *ref[:2])])


def decode_refs(
    text: str | tuple[Any, ...], checkpoint_id: str = "", parent_id: str | None = None
) -> dict[str, BlobRef]:
    """Parse blob refs; malformed text raises ``ValueError`` (callers report corruption).

    ``checkpoint_id`` and ``parent_id`` are the row's: compact refs (``_refs``) name them
    by shorthand.
    """
    if type(text) is str and text.startswith("["):
        return _refs.decode_compact(text, checkpoint_id, parent_id, BlobRef)
    if type(text) is tuple:
        parts = iter(text)
        triples = zip(parts, parts, parts, strict=True)
        return {channel: BlobRef(version, origin) for channel, version, origin in triples}
    raw = json.loads(text)
    if not isinstance(raw, dict):
        raise ValueError("blob_refs is not a JSON object")
    refs = {}
    for channel, ref in raw.items():
        if not (isinstance(ref, list) and len(ref) == 2 and isinstance(ref[1], str)):
            raise ValueError(f"malformed blob ref for channel {channel!r}")
        refs[channel] = BlobRef(ref[0], ref[1])
    return refs


def encode_value(serde: SerializerProtocol, channel: str, value: Any) -> Typed:
    """Serialize a channel value; errors report the path from the state root."""
    try:
        return serde.dumps_typed(value)
    except TypeError as exc:
        path = getattr(exc, "path", None)
        if not is_not_serializable(exc) or not isinstance(path, str) or not path.startswith("$"):
            raise
        rooted = f"$.{channel}{path[1:]}" if channel.isidentifier() else f"$[{channel!r}]{path[1:]}"
        message = str(exc.args[0]).replace(f" at {path}.", f" at {rooted}.", 1)
        message = message.removesuffix(f" [{ErrorCode.CHECKPOINT_NOT_SERIALIZABLE.value}]")
        raise not_serializable(message, path=rooted, channel=channel) from exc


def encode_checkpoint(
    serde: SerializerProtocol, checkpoint: Checkpoint, *, compact: bool = False
) -> Typed:
    """Serialize a checkpoint without its channel values (those go to blobs).

    With ``compact`` (the SQL savers) and the default serde, use the ``_skeleton`` codec.
    """
    if compact and isinstance(serde, JsonPlusSerializer):
        data = _skeleton.encode_skeleton(checkpoint)
        if data is not None:
            return _skeleton.SKELETON_TYPE, data
    skeleton = dict(checkpoint)
    skeleton.pop("channel_values", None)
    return serde.dumps_typed(skeleton)


# --- pending writes ---------------------------------------------------------------------


def write_rows(writes: Sequence[tuple[str, Any]]) -> list[WriteRow]:
    """Assign storage indexes to a task's writes (special channels get fixed ones)."""
    rows = []
    for position, (channel, value) in enumerate(writes):
        special = WRITES_IDX_MAP.get(channel)
        rows.append(
            WriteRow(position if special is None else special, channel, value, special is not None)
        )
    return rows


# --- reading back -----------------------------------------------------------------------


@contextmanager
def loading(thread_id: str, checkpoint_ns: str, checkpoint_id: str) -> Iterator[None]:
    """Turn any failure while decoding stored data into a CHECKPOINT_CORRUPT error.

    Unknown classes (E303) pass through with a note, since the fix is configuration.
    """
    try:
        yield
    except SerializationError as exc:
        if exc.code is not ErrorCode.CHECKPOINT_UNKNOWN_TYPE:
            raise _corrupt(thread_id, checkpoint_ns, checkpoint_id, exc) from exc
        exc.add_note(f"while loading checkpoint {checkpoint_id!r} of thread {thread_id!r}")
        raise
    except CheckpointError:
        raise
    except NotImplementedError as exc:  # a type tag the serializer does not read: configuration too
        if getattr(exc, "code", None) is not ErrorCode.CHECKPOINT_UNKNOWN_TYPE:
            raise _corrupt(thread_id, checkpoint_ns, checkpoint_id, exc) from exc
        exc.add_note(f"while loading checkpoint {checkpoint_id!r} of thread {thread_id!r}")
        raise
    except Exception as exc:
        raise _corrupt(thread_id, checkpoint_ns, checkpoint_id, exc) from exc


def _corrupt(
    thread_id: str, checkpoint_ns: str, checkpoint_id: str, exc: Exception
) -> CheckpointError:
    return CheckpointError(
        f"Checkpoint {checkpoint_id!r} of thread {thread_id!r} (namespace {checkpoint_ns!r}) "
        f"is corrupt or truncated and cannot be loaded: {exc}. Restore it from a backup, or "
        "delete the thread (or prune to newer checkpoints) to continue.",
        code=ErrorCode.CHECKPOINT_CORRUPT,
        thread_id=thread_id,
        checkpoint_id=checkpoint_id,
    )


def decode_tuple(
    serde: SerializerProtocol,
    thread_id: str,
    checkpoint_ns: str,
    row: StoredCheckpoint,
    blobs: BlobSource,
    writes: Iterable[tuple[str, str, str, bytes]],
) -> CheckpointTuple:
    """Rebuild a ``CheckpointTuple`` from a stored row, its blobs and its writes.

    ``blobs`` finds each ref's blob (and the chain of a delta blob); ``writes`` are
    ``(task_id, channel, type, value)`` in ``(task_id, idx)`` order.
    """
    with loading(thread_id, checkpoint_ns, row.checkpoint_id):
        if row.type == _skeleton.SKELETON_TYPE:
            checkpoint = _skeleton.decode_skeleton(row.checkpoint_id, row.checkpoint)
        elif row.type == PLAIN_TYPE:  # the in-memory saver's frozen skeleton (see _frozen)
            checkpoint = thaw(row.checkpoint)  # type: ignore[arg-type]
        else:
            checkpoint = serde.loads_typed((row.type, row.checkpoint))
        if not isinstance(checkpoint, dict) or checkpoint.get("id") != row.checkpoint_id:
            raise ValueError("the stored checkpoint does not match its row")
        values = {}
        for channel, ref in decode_refs(row.blob_refs, row.checkpoint_id, row.parent_id).items():
            if ref.inline is not None:
                values[channel] = serde.loads_typed(ref.inline)
            else:
                values[channel] = load_value(serde, channel, ref.origin, blobs)
        checkpoint["channel_values"] = values
        if isinstance(row.metadata, dict):
            metadata = metadata_copy(row.metadata)  # a copy: the stored one stays unchanged
        else:
            metadata = json.loads(row.metadata)
        if not isinstance(metadata, dict):
            raise ValueError("metadata is not a JSON object")
        pending = [(task, channel, serde.loads_typed((t, v))) for task, channel, t, v in writes]
    parent = None
    if row.parent_id is not None:
        parent = checkpoint_config(thread_id, checkpoint_ns, row.parent_id)
    return CheckpointTuple(
        config=checkpoint_config(thread_id, checkpoint_ns, row.checkpoint_id),
        checkpoint=checkpoint,  # type: ignore[arg-type]
        metadata=metadata,  # type: ignore[arg-type]
        parent_config=parent,
        pending_writes=pending,
    )
