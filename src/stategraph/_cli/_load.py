"""What the commands load: a graph named ``path.py:attribute`` and a saver named by URL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .._import_path import import_failure, import_path

__all__ = ["CliError", "json_arg", "load_graph", "open_saver"]

DEFAULT_DB = ".stategraph/checkpoints.sqlite"


class CliError(Exception):
    """A mistake in the command line: printed without a traceback, exit status 2."""


def json_arg(text: str | None, flag: str) -> Any:
    """Parse a JSON argument, naming the flag when it is not JSON."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(
            f"{flag} must be JSON ({exc.msg} at character {exc.pos}): {text!r}"
        ) from None


def load_graph(spec: str, saver: Any = None) -> Any:
    """Import ``path.py:attribute``; compile it (with ``saver``) if it is a builder."""
    path_text, _, attribute = spec.rpartition(":")
    if not path_text or not attribute:
        raise CliError(
            f"Name the graph as path.py:attribute, e.g. ./agent.py:graph (got {spec!r})."
        )
    path = Path(path_text).resolve()
    if not path.is_file():
        raise CliError(f"No such file: {path_text} (from {spec!r}).")
    try:
        module = import_path(path)
    except ImportError as exc:
        if exc.name is not None:  # the graph module's own import failed
            raise CliError(import_failure(path, exc)) from exc
        raise CliError(str(exc)) from None
    except Exception as exc:  # the file's own code failed while importing
        raise CliError(import_failure(path, exc)) from exc
    found = getattr(module, attribute, None)
    if found is None:
        raise CliError(f"{path_text} has no attribute {attribute!r}.")
    if hasattr(found, "compile") and not hasattr(found, "invoke"):
        return found.compile(checkpointer=saver)
    if saver is not None and hasattr(found, "checkpointer"):
        found.checkpointer = saver
    return found


@contextmanager
def open_saver(url: str | None) -> Iterator[Any]:
    """A saver for ``url``: ``postgresql://...``, ``sqlite:///path`` or a file path."""
    url = url or DEFAULT_DB
    if url.startswith(("postgresql://", "postgres://")):
        from ..checkpoint.postgres import PostgresSaver

        with PostgresSaver.from_conn_string(url) as saver:
            saver.setup()
            yield saver
        return
    from ..checkpoint.sqlite import SqliteSaver

    path = url.removeprefix("sqlite:///")
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    with SqliteSaver.from_conn_string(path) as saver:
        yield saver
