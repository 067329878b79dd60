"""RemoteGraph: a graph served by a LangGraph-compatible server, called like a local one.

It talks to the server through the ``langgraph-sdk`` clients (``url=`` makes both, or pass
``client=``/``sync_client=``). Used as a node, or called from a node, it runs on the parent's
thread id, forwards its chunks into the parent's ``subgraphs=True`` stream and turns the remote
thread's interrupts into the parent's, so resuming the parent resumes the remote thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from ..errors import ErrorCode, coded
from ..graph._draw import Edge, Graph, Node
from ..types import StateSnapshot
from ._context import CURRENT_TASK
from ._remote import RemoteCall, RemoteException, to_snapshot

__all__ = ["RemoteException", "RemoteGraph"]


class RemoteGraph:
    """Run, stream and inspect assistant ``assistant_id`` (an assistant id or a graph name).

    Examples:
        Serve a graph (here with ``stategraph.server`` in a background thread; usually
        ``stategraph dev`` or a deployed server), then call it like a local graph:

        >>> import json, threading, time
        >>> from pathlib import Path
        >>> import uvicorn
        >>> from stategraph.pregel.remote import RemoteException, RemoteGraph
        >>> from stategraph.server import create_app
        >>> _ = Path("graphs.py").write_text('''
        ... from typing_extensions import TypedDict
        ... from stategraph.graph import START, StateGraph
        ... class State(TypedDict):
        ...     x: int
        ... def inc(state):
        ...     if state["x"] < 0:
        ...         raise ValueError("x must not be negative")
        ...     return {"x": state["x"] + 1}
        ... counter = StateGraph(State).add_node("inc", inc).add_edge(START, "inc").compile()
        ... ''')
        >>> config = {"graphs": {"counter": "./graphs.py:counter"}}
        >>> _ = Path("langgraph.json").write_text(json.dumps(config))
        >>> app = create_app("langgraph.json")
        >>> server = uvicorn.Server(uvicorn.Config(app, port=0, log_level="warning"))
        >>> threading.Thread(target=server.run, daemon=True).start()
        >>> while not server.started:
        ...     time.sleep(0.05)
        >>> port = server.servers[0].sockets[0].getsockname()[1]

        >>> remote = RemoteGraph("counter", url=f"http://127.0.0.1:{port}")
        >>> remote.invoke({"x": 1})
        {'x': 2}
        >>> list(remote.stream({"x": 1}, stream_mode="updates"))
        [{'inc': {'x': 2}}]
        >>> try:
        ...     remote.invoke({"x": -1})
        ... except RemoteException as e:
        ...     print(e.error, "-", e.message)
        ValueError - x must not be negative
        >>> server.should_exit = True
    """

    def __init__(
        self,
        assistant_id: str,
        /,
        *,
        url: str | None = None,
        api_key: str | None = None,
        headers: dict[str, str] | None = None,
        client: Any = None,
        sync_client: Any = None,
        config: dict[str, Any] | None = None,
        name: str | None = None,
    ) -> None:
        self.assistant_id = assistant_id
        self.name = name or assistant_id
        self.config = config or {}
        if url is not None and (client is None or sync_client is None):
            from langgraph_sdk import get_client, get_sync_client

            client = client or get_client(url=url, api_key=api_key, headers=headers)
            sync_client = sync_client or get_sync_client(url=url, api_key=api_key, headers=headers)
        self.client = client
        self.sync_client = sync_client

    def get_name(self) -> str:
        """Return the graph's name (the assistant id unless ``name=`` was given)."""
        return self.name

    def copy(self, update: dict[str, Any] | None = None) -> RemoteGraph:
        """Return a copy sharing the clients, with ``update`` applied to its attributes."""
        clone = RemoteGraph(
            self.assistant_id,
            client=self.client,
            sync_client=self.sync_client,
            config=self.config,
            name=self.name,
        )
        for key, value in (update or {}).items():
            setattr(clone, key, value)
        return clone

    def with_config(self, config: dict[str, Any] | None = None, **kwargs: Any) -> RemoteGraph:
        """Return a copy whose default config is this one's merged with ``config``."""
        return self.copy({"config": _merge(self.config, {**(config or {}), **kwargs})})

    def _sync(self) -> Any:
        if self.sync_client is None:
            raise coded(
                ValueError,
                f"RemoteGraph {self.assistant_id!r} has no sync client for this sync call. "
                "Pass url= or sync_client=get_sync_client(...), or use the a-prefixed method.",
                ErrorCode.BUILD_BAD_ARGUMENT,
            )
        return self.sync_client

    def _async(self) -> Any:
        if self.client is None:
            raise coded(
                ValueError,
                f"RemoteGraph {self.assistant_id!r} has no async client for this async call. "
                "Pass url= or client=get_client(...), or use the sync method.",
                ErrorCode.BUILD_BAD_ARGUMENT,
            )
        return self.client

    # -- running ------------------------------------------------------------------------

    def _call(self, input: Any, config: Any, stream_mode: Any, kwargs: dict[str, Any]) -> Any:
        extra = {k: v for k, v in kwargs.items() if v is not None}
        subgraphs = bool(extra.pop("subgraphs", False))
        unknown = set(extra) - {"interrupt_before", "interrupt_after", "context", "durability"}
        if unknown:
            raise TypeError(f"RemoteGraph.stream() got unexpected keyword(s) {sorted(unknown)}.")
        if config is None and (task := CURRENT_TASK.get()) is not None:
            config = task.config  # called from a node without its config: still the node's
        call = RemoteCall(
            self.assistant_id,
            _merge(self.config, config or {}),
            input,
            "updates" if stream_mode is None else stream_mode,
            subgraphs=subgraphs,
        )
        return call, extra

    def stream(
        self, input: Any, config: Any = None, *, stream_mode: Any = None, **kwargs: Any
    ) -> Iterator[Any]:
        """Stream a run like ``Pregel.stream`` (``subgraphs``, ``context``, interrupt_* too)."""
        call, extra = self._call(input, config, stream_mode, kwargs)
        client = self._sync()
        if call.needs_remote_state:
            call.resume_from(_state_or_none(client, call.thread_id))
        while True:
            for part in client.runs.stream(**call.request(), **extra):
                yield from call.feed(part.event, part.data)
            if not call.next_round():
                return

    async def astream(
        self, input: Any, config: Any = None, *, stream_mode: Any = None, **kwargs: Any
    ) -> AsyncIterator[Any]:
        """Async form of :meth:`stream`."""
        call, extra = self._call(input, config, stream_mode, kwargs)
        client = self._async()
        if call.needs_remote_state:
            call.resume_from(await _astate_or_none(client, call.thread_id))
        while True:
            async for part in client.runs.stream(**call.request(), **extra):
                for chunk in call.feed(part.event, part.data):
                    yield chunk
            if not call.next_round():
                return

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        """Run to the end; return the last state values (with ``__interrupt__`` if paused)."""
        last = None
        for last in self.stream(input, config, stream_mode="values", **kwargs):  # noqa: B007
            pass
        return last

    async def ainvoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        """Async form of :meth:`invoke`."""
        last = None
        async for last in self.astream(input, config, stream_mode="values", **kwargs):  # noqa: B007
            pass
        return last

    # -- state --------------------------------------------------------------------------

    def get_state(self, config: dict[str, Any], *, subgraphs: bool = False) -> StateSnapshot:
        """Return the remote thread's state (at ``checkpoint_id`` when the config names one)."""
        thread_id, checkpoint_id = _address(self.assistant_id, config)
        state = self._sync().threads.get_state(
            thread_id, checkpoint_id=checkpoint_id, subgraphs=subgraphs
        )
        return to_snapshot(state)

    async def aget_state(self, config: dict[str, Any], *, subgraphs: bool = False) -> StateSnapshot:
        """Async form of :meth:`get_state`."""
        thread_id, checkpoint_id = _address(self.assistant_id, config)
        state = await self._async().threads.get_state(
            thread_id, checkpoint_id=checkpoint_id, subgraphs=subgraphs
        )
        return to_snapshot(state)

    def get_state_history(
        self,
        config: dict[str, Any],
        *,
        filter: dict[str, Any] | None = None,
        before: dict[str, Any] | None = None,
        limit: int | None = None,
    ) -> Iterator[StateSnapshot]:
        """Yield the remote thread's checkpoints, newest first (the server's default limit: 10)."""
        thread_id, args = _history_args(self.assistant_id, config, filter, before, limit)
        for state in self._sync().threads.get_history(thread_id, **args):
            yield to_snapshot(state)

    async def aget_state_history(
        self,
        config: dict[str, Any],
        *,
        filter: dict[str, Any] | None = None,
        before: dict[str, Any] | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[StateSnapshot]:
        """Async form of :meth:`get_state_history`."""
        thread_id, args = _history_args(self.assistant_id, config, filter, before, limit)
        for state in await self._async().threads.get_history(thread_id, **args):
            yield to_snapshot(state)

    def update_state(
        self, config: dict[str, Any], values: Any, as_node: str | None = None
    ) -> dict[str, Any]:
        """Write ``values`` to the remote thread as ``as_node``; return the new checkpoint's config."""
        thread_id, checkpoint_id = _address(self.assistant_id, config)
        done = self._sync().threads.update_state(
            thread_id, values, as_node=as_node, checkpoint_id=checkpoint_id
        )
        return {"configurable": done["checkpoint"]}

    async def aupdate_state(
        self, config: dict[str, Any], values: Any, as_node: str | None = None
    ) -> dict[str, Any]:
        """Async form of :meth:`update_state`."""
        thread_id, checkpoint_id = _address(self.assistant_id, config)
        done = await self._async().threads.update_state(
            thread_id, values, as_node=as_node, checkpoint_id=checkpoint_id
        )
        return {"configurable": done["checkpoint"]}

    # -- drawing ------------------------------------------------------------------------

    def get_graph(self, config: Any = None, *, xray: int | bool = False) -> Graph:
        """Return the server's drawing of the graph (``xray``: include subgraphs)."""
        return _drawable(self._sync().assistants.get_graph(self.assistant_id, xray=xray))

    async def aget_graph(self, config: Any = None, *, xray: int | bool = False) -> Graph:
        """Async form of :meth:`get_graph`."""
        return _drawable(await self._async().assistants.get_graph(self.assistant_id, xray=xray))

    def __repr__(self) -> str:
        return f"RemoteGraph({self.assistant_id!r}, name={self.name!r})"


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = {**base, **override}
    for key in ("configurable", "metadata"):
        if key in base or key in override:
            merged[key] = {**(base.get(key) or {}), **(override.get(key) or {})}
    if "tags" in base or "tags" in override:
        merged["tags"] = list(dict.fromkeys([*base.get("tags", []), *override.get("tags", [])]))
    return merged


def _address(assistant_id: str, config: dict[str, Any]) -> tuple[str, str | None]:
    configurable = (config or {}).get("configurable") or {}
    thread_id = configurable.get("thread_id")
    if not thread_id:
        raise coded(
            ValueError,
            f"RemoteGraph {assistant_id!r} needs config['configurable']['thread_id'] to read "
            "or write a thread's state; pass {'configurable': {'thread_id': ...}}.",
            ErrorCode.RUN_BAD_INPUT,
        )
    return thread_id, configurable.get("checkpoint_id")


def _history_args(
    assistant_id: str, config: dict[str, Any], filter: Any, before: Any, limit: int | None
) -> tuple[str, dict[str, Any]]:
    thread_id, checkpoint_id = _address(assistant_id, config)
    args: dict[str, Any] = {"limit": 10 if limit is None else limit, "metadata": filter}
    if before is not None:
        args["before"] = (before.get("configurable") or {}).get("checkpoint_id")
    if checkpoint_id is not None:
        args["checkpoint"] = {"checkpoint_id": checkpoint_id}
    return thread_id, args


def _state_or_none(client: Any, thread_id: str) -> dict[str, Any] | None:
    from langgraph_sdk.errors import NotFoundError

    try:
        return client.threads.get_state(thread_id)
    except NotFoundError:  # a thread the server has not seen yet waits on nothing
        return None


async def _astate_or_none(client: Any, thread_id: str) -> dict[str, Any] | None:
    from langgraph_sdk.errors import NotFoundError

    try:
        return await client.threads.get_state(thread_id)
    except NotFoundError:
        return None


def _drawable(data: dict[str, Any]) -> Graph:
    nodes = {}
    for item in data.get("nodes", []):
        payload = item.get("data")
        name = payload.get("name", item["id"]) if isinstance(payload, dict) else item["id"]
        nodes[item["id"]] = Node(item["id"], name, payload, item.get("metadata"))
    edges = [
        Edge(e["source"], e["target"], e.get("data"), bool(e.get("conditional", False)))
        for e in data.get("edges", [])
    ]
    return Graph(nodes, edges)
