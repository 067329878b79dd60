"""Reserved names and config keys shared by every layer of stategraph.

Public: START, END, TAG_NOSTREAM, TAG_HIDDEN (and CONF/TASKS for compatibility).
Everything else here is internal vocabulary of the engine and the savers.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Final

__all__ = ["START", "END", "TAG_NOSTREAM", "TAG_HIDDEN", "CONF", "TASKS", "CONFIG_KEY_CHECKPOINTER"]

START: Final = "__start__"
END: Final = "__end__"
TAG_NOSTREAM: Final = "nostream"
TAG_HIDDEN: Final = "langsmith:hidden"

CONF: Final = "configurable"
TASKS: Final = sys.intern("__pregel_tasks")

# The supersteps a run may take when its config gives no recursion_limit: LangGraph 1.2's
# default (10007, not langchain-core's 25), overridable by the same environment variable.
DEFAULT_RECURSION_LIMIT: Final = int(os.environ.get("LANGGRAPH_DEFAULT_RECURSION_LIMIT", "10007"))

# --- write markers (special channels that never hold state) ---
INPUT: Final = sys.intern("__input__")
INTERRUPT: Final = sys.intern("__interrupt__")
RESUME: Final = sys.intern("__resume__")
ERROR: Final = sys.intern("__error__")
NO_WRITES: Final = sys.intern("__no_writes__")
RETURN: Final = sys.intern("__return__")
PREVIOUS: Final = sys.intern("__previous__")
SCHEDULED: Final = sys.intern("__scheduled__")
PUSH: Final = sys.intern("__pregel_push")
PULL: Final = sys.intern("__pregel_pull")
OVERWRITE: Final = sys.intern("__overwrite__")
ROOT: Final = sys.intern("__root__")
CALL: Final = sys.intern("__call__")  # marker write of a task call: (parent task id, index, name)
COPY: Final = "__copy__"
SELF: Final = "__self__"
CACHE_NS_WRITES: Final = "__pregel_ns_writes"

NULL_TASK_ID: Final = "00000000-0000-0000-0000-000000000000"
NS_SEP: Final = "|"
NS_END: Final = ":"

# --- config keys the engine reads or sets (mirrors LangGraph's names) ---
CONFIG_KEY_CHECKPOINTER: Final = "__pregel_checkpointer"
CONFIG_KEY_TASK_ID: Final = "__pregel_task_id"
CONFIG_KEY_RUNTIME: Final = "__pregel_runtime"
CONFIG_KEY_SCRATCHPAD: Final = "__pregel_scratchpad"
CONFIG_KEY_STREAM: Final = "__pregel_stream"
CONFIG_KEY_CHECKPOINT_MAP: Final = "checkpoint_map"
CONFIG_KEY_CHECKPOINT_NS: Final = "checkpoint_ns"
CONFIG_KEY_CHECKPOINT_ID: Final = "checkpoint_id"
CONFIG_KEY_THREAD_ID: Final = "thread_id"
CONFIG_KEY_DURABILITY: Final = "__pregel_durability"
CONFIG_KEY_RESUMING: Final = "__pregel_resuming"

# Writes to these channels are control markers: never applied to channels.
RESERVED_WRITES: Final = frozenset({NO_WRITES, PUSH, RESUME, INTERRUPT, RETURN, ERROR, SCHEDULED, CALL})
RESERVED_NAMES: Final = frozenset({START, END, INTERRUPT, RESUME, ERROR, NO_WRITES, TASKS, INPUT})


def __getattr__(name: str) -> Any:
    # LangGraph lazily re-exports Send and Interrupt here (deprecated); keep that working.
    if name in ("Send", "Interrupt"):
        from . import types

        return getattr(types, name)
    raise AttributeError(f"module 'stategraph.constants' has no attribute {name!r}")
