"""HTTP edges shared by the routes: JSON in (validated), JSON out, ``{"detail": ...}`` errors.

Request bodies are parsed with ``json.loads`` only; nothing from the wire is evaluated.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..messages import BaseMessage
from ..types import Interrupt

__all__ = [
    "ApiError",
    "count_field",
    "field",
    "handle_api_error",
    "json_response",
    "read_body",
    "to_jsonable",
]

_TYPE_NAMES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    int: "an integer",
    bool: "a boolean",
    float: "a number",
    type(None): "null",
}


class ApiError(Exception):
    """An error answered as ``{"detail": message}`` with ``status``."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def reuse_or_conflict(existing: Any, if_exists: str, what: str) -> Any:
    """A create whose id is taken: the existing row with ``if_exists='do_nothing'``, else 409.

    Returns None when nothing exists under the id (the caller creates it).
    """
    if existing is None or if_exists == "do_nothing":
        return existing
    raise ApiError(409, f"{what} already exists; pass if_exists='do_nothing' to reuse it.")


async def handle_api_error(request: Request, exc: Exception) -> Response:
    """Starlette exception handler for :class:`ApiError`."""
    assert isinstance(exc, ApiError)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status)


async def read_body(request: Request) -> dict[str, Any]:
    """Parse the body as a JSON object (empty body = ``{}``), or answer 422."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(422, f"Request body is not valid JSON: {exc}.") from None
    if not isinstance(body, dict):
        raise ApiError(422, f"Request body must be a JSON object, got {type(body).__name__}.")
    return body


def field(body: Mapping[str, Any], key: str, types: tuple[type, ...], default: Any = None) -> Any:
    """Return ``body[key]`` if it has one of ``types`` (absent or null = ``default``), else 422."""
    value = body.get(key)
    if value is None:
        return default
    # why: bool is an int subclass; a boolean is never a valid limit/offset
    if isinstance(value, bool) and bool not in types:
        value_ok = False
    else:
        value_ok = isinstance(value, types)
    if not value_ok:
        wanted = " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)
        raise ApiError(422, f"Body key {key!r} must be {wanted}, got {json.dumps(value)[:80]}.")
    return value


def count_field(body: Mapping[str, Any], key: str, default: int) -> int:
    """Return ``body[key]`` as a non-negative integer (limit, offset), else answer 422."""
    value = field(body, key, (int,), default)
    if value < 0:
        raise ApiError(422, f"Body key {key!r} must be >= 0, got {value}.")
    return value


def json_response(
    data: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """Answer ``data`` as JSON after :func:`to_jsonable`."""
    return JSONResponse(to_jsonable(data), status_code=status, headers=dict(headers or {}))


def to_jsonable(value: Any) -> Any:  # Any: server JSON boundary
    """Turn graph values (messages, interrupts, dataclasses, models) into JSON-ready data."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, BaseMessage):
        # why: clients tell message kinds apart by "type", as in LangChain's message dicts
        return {**to_jsonable(dataclasses.asdict(value)), "type": value.type}
    if hasattr(value, "model_dump"):
        return to_jsonable(value.model_dump())
    if isinstance(value, Interrupt):  # the wire shape the SDK reads: {value, id}
        return {"value": to_jsonable(value.value), "id": value.id}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return repr(value)
