"""LangGraph 1.2.22 names that stategraph provides at the same module paths (our own list).

Each row is a LangGraph module and names a LangGraph program imports from it; the test
checks they import from the ``stategraph`` twin.  The table is written by hand, so it runs
on a fresh clone; when LangGraph itself is importable, a second test checks that every row
names something LangGraph really has there (so the table cannot drift into inventions).
"""

from __future__ import annotations

import importlib
import importlib.util

import pytest

# (LangGraph module without the "langgraph" root, names) added to close the 1.2.22 scan
SUPPORTED: dict[str, list[str]] = {
    "version": ["__version__"],
    "types": [
        "CheckpointPayload", "CheckpointStreamPart", "CheckpointTask", "CustomStreamPart",
        "DebugPayload", "DebugStreamPart", "MessagesStreamPart", "StreamPart", "TaskPayload",
        "TaskResultPayload", "TasksStreamPart", "UpdatesStreamPart", "ValuesStreamPart",
        "TracePolicy", "omit_payload",
    ],
    "errors": ["NodeCancelledError", "is_invalid_resume"],
    "warnings": ["LangGraphDeprecatedSinceV11"],
    "runtime": ["BaseUser"],
    "config": ["BaseStore", "get_config", "get_store", "get_stream_writer"],
    "pregel.types": [
        "All", "CachePolicy", "PregelExecutableTask", "PregelTask", "RetryPolicy",
        "StateSnapshot", "StateUpdate", "StreamMode", "StreamWriter", "default_retry_on",
    ],
    "pregel.protocol": ["PregelProtocol", "StreamChunk"],
    "pregel.debug": [
        "BaseChannel", "CheckpointMetadata", "CheckpointPayload", "PregelExecutableTask",
        "PregelTask", "StateSnapshot", "TaskPayload", "TaskResultPayload",
    ],
    "managed.base": ["ManagedValue", "ManagedValueMapping", "ManagedValueSpec", "is_managed_value"],
    "managed.is_last_step": ["IsLastStep", "RemainingSteps", "RemainingStepsManager"],
    "prebuilt": ["ValidationNode"],
    "prebuilt.chat_agent_executor": [
        "AgentStatePydantic",
        "AgentStateWithStructuredResponsePydantic",
        "create_tool_calling_executor",
    ],
    "cache.base": ["SerializerProtocol"],
    "prebuilt.tool_validator": ["ValidationNode"],
    "utils.config": ["ensure_config", "get_config", "get_store", "patch_configurable"],
    "checkpoint.base": ["ChannelProtocol", "EncryptedSerializer", "create_checkpoint"],
    "checkpoint.base.id": ["UUID", "uuid6"],
    "checkpoint.serde.types": [
        "ERROR", "INTERRUPT", "RESUME", "SCHEDULED", "TASKS", "ChannelProtocol", "SendProtocol",
    ],
    "checkpoint.postgres.base": ["BasePostgresSaver"],
    "store.base": ["Embeddings", "ensure_embeddings", "get_text_at_path", "tokenize_path"],
    "store.base.embed": [
        "AEmbeddingsFunc", "EmbeddingsFunc", "ensure_embeddings", "get_text_at_path", "tokenize_path",
    ],
    "store.base.batch": ["AsyncBatchedBaseStore", "GetOp", "PutOp", "SearchOp", "ListNamespacesOp"],
    "store.postgres.base": [
        "ANNIndexConfig", "BasePostgresStore", "HNSWConfig", "IVFFlatConfig", "PostgresIndexConfig",
    ],
    "store.postgres.aio": ["BasePostgresStore", "PostgresIndexConfig"],
    "store.sqlite.base": ["BaseSqliteStore", "SqliteIndexConfig"],
    "store.sqlite.aio": ["BaseSqliteStore", "SqliteIndexConfig"],
}  # fmt: skip

ROWS = [(module, name) for module, names in SUPPORTED.items() for name in names]

# backends whose driver may be missing from a minimal install
OPTIONAL = {"checkpoint.postgres.base": "psycopg", "store.postgres.base": "psycopg",
            "store.postgres.aio": "psycopg", "store.sqlite.aio": "aiosqlite",
            "prebuilt.chat_agent_executor": "pydantic"}  # fmt: skip


# modules whose rows include names kept importable but left out of __all__ (re-exports of
# objects documented elsewhere, or served lazily)
INCIDENTAL = {"store.base", "store.base.batch", "checkpoint.base.id", "cache.base"}


@pytest.mark.parametrize(("module", "name"), ROWS, ids=[f"{m}:{n}" for m, n in ROWS])
def test_name_imports_from_stategraph(module: str, name: str) -> None:
    if module in OPTIONAL:
        pytest.importorskip(OPTIONAL[module])
    mod = importlib.import_module(f"stategraph.{module}")
    assert getattr(mod, name) is not None
    if hasattr(mod, "__all__") and module not in INCIDENTAL:
        assert name in mod.__all__, f"stategraph.{module}.__all__ lacks {name!r}"


@pytest.mark.skipif(importlib.util.find_spec("langgraph") is None, reason="LangGraph not installed")
@pytest.mark.parametrize(("module", "name"), ROWS, ids=[f"{m}:{n}" for m, n in ROWS])
def test_langgraph_has_the_name_too(module: str, name: str) -> None:
    try:
        mod = importlib.import_module(f"langgraph.{module}")
    except ImportError as exc:  # a LangGraph extra (postgres, sqlite) not installed here
        pytest.skip(str(exc))
    assert hasattr(mod, name), f"langgraph.{module} has no {name!r}: drop the row"


def test_same_objects_where_langgraph_reexports() -> None:
    import stategraph.types as types
    from stategraph.prebuilt import ValidationNode, tool_validator
    from stategraph.pregel import debug
    from stategraph.pregel import types as pregel_types

    assert pregel_types.StateSnapshot is types.StateSnapshot
    assert debug.TaskPayload is types.TaskPayload
    assert tool_validator.ValidationNode is ValidationNode
