"""Field paths that pick the texts of a stored value to embed for semantic search.

Grammar: ``$`` (or ``""``) is the whole value; otherwise dot-separated keys, each
optionally followed by ``[i]`` (list index, negative allowed), ``[*]`` (every
element) or a ``{p,q}`` group of sub-paths, e.g. ``"a.b[0].c"``, ``"tags[*]"``,
``"meta.{title,body.text}"``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..errors import ErrorCode, StoreError

__all__ = ["get_text_at_path", "tokenize_path", "validate_path"]

WHOLE_VALUE = "$"


def _path_error(path: str, problem: str) -> StoreError:
    return StoreError(
        f"Invalid index field path {path!r}: {problem}. Use dotted keys with optional "
        "'[0]', '[*]' or '{a,b}' parts, e.g. 'text', 'meta.title', 'items[*].name', or '$'.",
        code=ErrorCode.STORE_EMBEDDING,
        path=path,
    )


def _split_top_level(text: str, sep: str) -> list[str]:
    """Split ``text`` on ``sep`` outside of ``[...]`` and ``{...}`` groups."""
    parts: list[str] = []
    depth = 0
    start = 0
    for i, char in enumerate(text):
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        elif char == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _tokenize_segment(path: str, segment: str) -> Iterator[str]:
    """Yield the tokens of one dot-separated segment such as ``items[0][*]``."""
    if segment.startswith("{"):
        if not segment.endswith("}") or len(segment) < 3:
            raise _path_error(path, f"unclosed or empty group {segment!r}")
        for sub in _split_top_level(segment[1:-1], ","):
            if not sub.strip():
                raise _path_error(path, f"group {segment!r} holds an empty sub-path")
            tokenize_path(sub.strip())  # validates the sub-path eagerly
        yield segment
        return
    name, bracket, rest = segment.partition("[")
    if not name:
        raise _path_error(path, f"segment {segment!r} has no key before '['")
    if any(c in name for c in "]{}"):
        raise _path_error(path, f"unexpected bracket in {segment!r}")
    yield name
    while bracket:
        inner, closing, rest = rest.partition("]")
        if not closing:
            raise _path_error(path, f"unclosed '[' in {segment!r}")
        if inner != "*" and not inner.lstrip("-").isdigit():
            raise _path_error(path, f"index {inner!r} is neither an integer nor '*'")
        yield f"[{inner}]"
        if rest and not rest.startswith("["):
            raise _path_error(path, f"unexpected text {rest!r} after ']'")
        bracket, rest = ("[", rest[1:]) if rest else ("", "")


def tokenize_path(path: str) -> list[str]:
    """Split a field path into key, ``[i]``, ``[*]`` and ``{a,b}`` tokens.

    ``tokenize_path("a.b[0].{x,y}") == ["a", "b", "[0]", "{x,y}"]``; ``"$"`` gives ``[]``.

    Examples:
        >>> from stategraph.store.base import tokenize_path
        >>> tokenize_path("meta.authors[*].name")
        ['meta', 'authors', '[*]', 'name']
        >>> tokenize_path("a.b[0].{x,y}")
        ['a', 'b', '[0]', '{x,y}']
        >>> tokenize_path("$")
        []
        >>> try:
        ...     tokenize_path("a..b")
        ... except Exception as e:
        ...     print(type(e).__name__, e.code.value)
        StoreError E404
    """
    if path in ("", WHOLE_VALUE):
        return []
    tokens: list[str] = []
    for segment in _split_top_level(path, "."):
        if not segment:
            raise _path_error(path, "empty segment (two dots in a row, or a leading/trailing dot)")
        tokens.extend(_tokenize_segment(path, segment))
    return tokens


def validate_path(path: Any) -> str:
    """Return ``path`` if it parses, raising StoreError (E404) naming the problem."""
    if not isinstance(path, str):
        raise _path_error(repr(path), "field paths must be strings")
    tokenize_path(path)
    return path


def _leaf_texts(obj: Any) -> list[str]:
    if obj is None:
        return []
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, (dict, list, tuple)):
        return [json.dumps(obj, sort_keys=True, default=str)]
    return [json.dumps(obj) if isinstance(obj, (bool, int, float)) else str(obj)]


def _children(obj: Any, token: str) -> list[Any]:
    """Return the values ``token`` selects inside ``obj`` (empty when absent)."""
    if token == "[*]":
        if isinstance(obj, dict):
            return list(obj.values())
        return list(obj) if isinstance(obj, (list, tuple)) else []
    if token.startswith("["):
        if not isinstance(obj, (list, tuple)):
            return []
        index = int(token[1:-1])
        return [obj[index]] if -len(obj) <= index < len(obj) else []
    if isinstance(obj, dict) and token in obj:
        return [obj[token]]
    return []


def _walk(obj: Any, tokens: list[str]) -> list[str]:
    if not tokens:
        return _leaf_texts(obj)
    token, rest = tokens[0], tokens[1:]
    if token.startswith("{"):
        texts: list[str] = []
        for sub in _split_top_level(token[1:-1], ","):
            texts.extend(_walk(obj, tokenize_path(sub.strip()) + rest))
        return texts
    return [text for child in _children(obj, token) for text in _walk(child, rest)]


def get_text_at_path(obj: Any, path: str | list[str]) -> list[str]:
    """Return the texts found at ``path`` inside ``obj``; missing parts yield nothing.

    Strings are returned as-is, numbers and booleans as JSON, and dicts or lists
    as sorted-key JSON, so ``"$"`` embeds the whole value as one text.

    Examples:
        >>> from stategraph.store.base import get_text_at_path
        >>> doc = {"title": "Intro", "meta": {"pages": 3, "authors": [{"name": "Ann"}, {"name": "Bo"}]}}
        >>> get_text_at_path(doc, "title")
        ['Intro']
        >>> get_text_at_path(doc, "meta.authors[*].name")
        ['Ann', 'Bo']
        >>> get_text_at_path(doc, "meta.{pages,authors[-1].name}")
        ['3', 'Bo']
        >>> get_text_at_path(doc, "summary")  # missing: nothing to embed
        []
        >>> get_text_at_path({"b": [1], "a": 1}, "$")
        ['{"a": 1, "b": [1]}']
    """
    tokens = tokenize_path(path) if isinstance(path, str) else list(path)
    return _walk(obj, tokens)
