"""Load a ``langgraph.json``-compatible server config: graphs by id, plus environment.

``graphs`` maps a graph id to ``"./path.py:attribute"`` (relative to the config file); the
attribute is a compiled graph or a ``StateGraph`` builder.  ``env`` is a dict or a path to a
``.env`` file and is applied to ``os.environ`` before the graph modules are imported.
``store.index`` (``dims``, ``embed``, ``fields``) turns on the store's semantic search; ``embed``
is ``"./file.py:function"`` (relative to the config file) or a ``"provider:model"`` string.
``store.ttl`` (``refresh_on_read``, ``default_ttl`` minutes, ``sweep_interval_minutes``) is the
store's ``TTLConfig``.  ``checkpointer.ttl`` (``strategy``, ``default_ttl`` minutes,
``sweep_interval_minutes``, ``sweep_limit``) sets thread expiry (``_thread_ttl``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._import_path import import_failure, import_path
from ..errors import ErrorCode, StategraphError

__all__ = ["ConfigError", "ServerConfig", "load_config"]


class ConfigError(StategraphError, ValueError):
    """The server config is unreadable, or names a file or attribute that does not exist.

    Examples:
        >>> from stategraph.server import ConfigError, load_config
        >>> try:
        ...     load_config({"graphs": {}})
        ... except ConfigError as e:
        ...     print(e.code.value, "|", e)
        E502 | Config (mapping) has no 'graphs' mapping. Add e.g. {"graphs": {"agent": "./agent.py:graph"}}. [E502]
        >>> try:
        ...     load_config({"graphs": {"agent": "./missing.py:graph"}})
        ... except ConfigError as e:
        ...     print(e)
        Config (mapping) key 'graphs.agent' names '.../missing.py', which does not exist. [E502]
    """

    code = ErrorCode.SERVER_BAD_CONFIG


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Graphs by id (loaded objects, compiled or builders) and the applied environment.

    Examples:
        Build one in code (no config file) and serve it:

        >>> from starlette.testclient import TestClient
        >>> from stategraph.graph import MessagesState, StateGraph
        >>> from stategraph.server import ServerConfig, create_app
        >>> builder = StateGraph(MessagesState).add_node("echo", lambda state: {})
        >>> config = ServerConfig(graphs={"agent": builder.add_edge("__start__", "echo").compile()})
        >>> with TestClient(create_app(config)) as client:
        ...     [assistant] = client.post("/assistants/search", json={}).json()
        >>> assistant["graph_id"], assistant["name"]
        ('agent', 'agent')
    """

    graphs: dict[str, Any]
    env: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    store_index: dict[str, Any] | None = None
    store_ttl: dict[str, Any] | None = None  # a TTLConfig
    thread_ttl: dict[str, Any] | None = None  # checkpointer.ttl, validated


def load_config(source: str | os.PathLike[str] | Mapping[str, Any]) -> ServerConfig:
    """Read ``source`` (a path to a JSON file, or the parsed mapping) and import its graphs.

    Examples:
        >>> import json, os
        >>> from pathlib import Path
        >>> from stategraph.server import load_config
        >>> _ = Path("agent.py").write_text(
        ...     "from stategraph.graph import MessagesState, StateGraph\\n"
        ...     "graph = StateGraph(MessagesState).add_node('echo', lambda s: {})"
        ...     ".add_edge('__start__', 'echo').compile()\\n"
        ... )
        >>> _ = Path("langgraph.json").write_text(
        ...     json.dumps({"graphs": {"agent": "./agent.py:graph"}, "env": {"GREETING": "hi"}})
        ... )
        >>> config = load_config("langgraph.json")
        >>> config.graphs
        {'agent': CompiledStateGraph(name='LangGraph', nodes=['__start__', 'echo'])}
        >>> config.env, config.path.name
        ({'GREETING': 'hi'}, 'langgraph.json')
        >>> os.environ.pop("GREETING")  # applied to the process before the graphs import
        'hi'
    """
    if isinstance(source, Mapping):
        raw, base, path = dict(source), Path.cwd(), None
    else:
        path = Path(source).resolve()
        raw, base = _read_json(path), path.parent
    if not isinstance(raw.get("graphs"), Mapping) or not raw["graphs"]:
        raise ConfigError(
            f"Config {_where(path)} has no 'graphs' mapping. Add e.g. "
            '{"graphs": {"agent": "./agent.py:graph"}}.'
        )
    env = _load_env(raw.get("env"), base, path)
    os.environ.update(env)
    graphs = {
        gid: _load_attribute(f"graphs.{gid}", spec, base, path)
        for gid, spec in raw["graphs"].items()
    }
    index = _load_store_index(raw.get("store"), base, path)
    ttl = _load_store_ttl(raw.get("store"), path)
    thread_ttl = _load_thread_ttl(raw.get("checkpointer"), path)
    return ServerConfig(
        graphs=graphs,
        env=env,
        path=path,
        store_index=index,
        store_ttl=ttl,
        thread_ttl=thread_ttl,
    )


# store.ttl key -> (accepted types, what the value must be)
_TTL_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "refresh_on_read": ((bool,), "true or false"),
    "default_ttl": ((int, float, type(None)), "a positive number of minutes, or null"),
    "sweep_interval_minutes": ((int, type(None)), "a positive whole number of minutes, or null"),
}


def _load_store_ttl(store: Any, path: Path | None) -> dict[str, Any] | None:
    ttl = store.get("ttl") if isinstance(store, Mapping) else None
    if ttl is None:
        return None
    if not isinstance(ttl, Mapping):
        raise ConfigError(
            f"Config {_where(path)} key 'store.ttl' must be an object, e.g. "
            '{"default_ttl": 10080, "refresh_on_read": true, "sweep_interval_minutes": 60}.'
        )
    for key, value in ttl.items():
        if key not in _TTL_KEYS:
            raise ConfigError(
                f"Config {_where(path)} key 'store.ttl.{key}' is unknown; use "
                f"{', '.join(repr(k) for k in _TTL_KEYS)}."
            )
        types, wanted = _TTL_KEYS[key]
        bad_type = isinstance(value, bool) and bool not in types
        if bad_type or not isinstance(value, types) or _not_positive(value):
            raise ConfigError(
                f"Config {_where(path)} key 'store.ttl.{key}' must be {wanted}, got {value!r}."
            )
    return dict(ttl)


def _not_positive(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value <= 0


# checkpointer.ttl key -> (check, what the value must be)
_THREAD_TTL_KEYS: dict[str, tuple[Any, str]] = {
    "strategy": (lambda v: v in ("delete", "keep_latest"), "'delete' or 'keep_latest'"),
    "default_ttl": (
        lambda v: v is None or _is_number(v) and v > 0,
        "a positive number of minutes, or null",
    ),
    "sweep_interval_minutes": (
        lambda v: v is None or _is_number(v) and v > 0,
        "a positive number of minutes (fractions allowed), or null",
    ),
    "sweep_limit": (
        lambda v: v is None or isinstance(v, int) and not isinstance(v, bool) and v > 0,
        "a positive whole number of threads, or null",
    ),
}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _load_thread_ttl(checkpointer: Any, path: Path | None) -> dict[str, Any] | None:
    if checkpointer is None:
        return None
    if not isinstance(checkpointer, Mapping):
        raise ConfigError(f"Config {_where(path)} key 'checkpointer' must be an object.")
    ttl = checkpointer.get("ttl")
    if ttl is None:
        return None
    if not isinstance(ttl, Mapping):
        raise ConfigError(
            f"Config {_where(path)} key 'checkpointer.ttl' must be an object, e.g. "
            '{"strategy": "delete", "default_ttl": 43200, "sweep_interval_minutes": 60}.'
        )
    for key, value in ttl.items():
        if key not in _THREAD_TTL_KEYS:
            raise ConfigError(
                f"Config {_where(path)} key 'checkpointer.ttl.{key}' is unknown; use "
                f"{', '.join(repr(k) for k in _THREAD_TTL_KEYS)}."
            )
        check, wanted = _THREAD_TTL_KEYS[key]
        if not check(value):
            raise ConfigError(
                f"Config {_where(path)} key 'checkpointer.ttl.{key}' must be {wanted}, "
                f"got {value!r}."
            )
    return dict(ttl)


def _load_store_index(store: Any, base: Path, path: Path | None) -> dict[str, Any] | None:
    if store is None:
        return None
    if not isinstance(store, Mapping):
        raise ConfigError(f"Config {_where(path)} key 'store' must be an object.")
    index = store.get("index")
    if index is None:
        return None
    if not isinstance(index, Mapping) or not isinstance(index.get("dims"), int):
        raise ConfigError(
            f"Config {_where(path)} key 'store.index' must be an object with integer 'dims' "
            'and \'embed\', e.g. {"dims": 64, "embed": "./embed.py:embed"}.'
        )
    embed = index.get("embed")
    if isinstance(embed, str) and ".py:" in embed:
        embed = _load_attribute("store.index.embed", embed, base, path)
    elif not isinstance(embed, str):
        raise ConfigError(
            f"Config {_where(path)} key 'store.index.embed' must be './file.py:function' or "
            f"'provider:model', got {embed!r}."
        )
    return {**index, "embed": embed}


def _where(path: Path | None) -> str:
    return repr(str(path)) if path else "(mapping)"


def _read_json(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Cannot read config file {str(path)!r}: {exc.strerror}.") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"Config file {str(path)!r} is not valid JSON: {exc}.") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"Config file {str(path)!r} must hold a JSON object.")
    return data


def _load_env(env: Any, base: Path, path: Path | None) -> dict[str, str]:
    if env is None:
        return {}
    if isinstance(env, Mapping):
        return {str(k): str(v) for k, v in env.items()}
    if not isinstance(env, str):
        raise ConfigError(f"Config {_where(path)} key 'env' must be a mapping or a .env path.")
    env_path = (base / env).resolve()
    try:
        lines = env_path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(
            f"Config {_where(path)} key 'env' names {str(env_path)!r}, which cannot be read: "
            f"{exc.strerror}."
        ) from exc
    return dict(_parse_env_line(line) for line in lines if _is_env_line(line))


def _is_env_line(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#") and "=" in stripped


def _parse_env_line(line: str) -> tuple[str, str]:
    key, _, value = line.strip().removeprefix("export ").partition("=")
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return key.strip(), value


def _load_attribute(key: str, spec: Any, base: Path, path: Path | None) -> Any:
    if not isinstance(spec, str) or ":" not in spec:
        raise ConfigError(
            f"Config {_where(path)} key {key!r} must be 'path.py:attribute', got {spec!r}."
        )
    file_part, _, attr = spec.rpartition(":")
    module_path = (base / file_part).resolve()
    if not module_path.is_file():
        raise ConfigError(
            f"Config {_where(path)} key {key!r} names {str(module_path)!r}, which does not exist."
        )
    try:
        module = import_path(module_path)
    except ImportError as exc:
        if exc.name is not None:  # the module's own import failed
            raise ConfigError(f"Config key {key!r}: {import_failure(module_path, exc)}") from exc
        raise ConfigError(f"{exc} (config key {key!r})") from None
    except Exception as exc:  # the file's own code failed while importing
        raise ConfigError(f"Config key {key!r}: {import_failure(module_path, exc)}") from exc
    try:
        return getattr(module, attr)
    except AttributeError:
        raise ConfigError(
            f"Config {_where(path)} key {key!r}: module {str(module_path)!r} has no attribute "
            f"{attr!r}. Define it, or fix the name after ':'."
        ) from None
