"""CompiledStateGraph: a Pregel that remembers its builder (for drawing and schemas)."""

from __future__ import annotations

from typing import Any

from ..pregel.main import Pregel


class CompiledStateGraph(Pregel):
    """The runnable result of ``StateGraph.compile()``.

    It is a ``Pregel`` graph: ``invoke``/``stream`` (and ``ainvoke``/``astream``) run
    it; with a checkpointer, ``get_state``/``update_state`` read and edit a thread.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.graph import START, StateGraph
        >>> class State(TypedDict):
        ...     x: int
        >>> builder = StateGraph(State).add_node("inc", lambda state: {"x": state["x"] + 1})
        >>> graph = builder.add_edge(START, "inc").compile(checkpointer=InMemorySaver())
        >>> type(graph).__name__
        'CompiledStateGraph'
        >>> config = {"configurable": {"thread_id": "t1"}}
        >>> list(graph.stream({"x": 1}, config, stream_mode="updates"))
        [{'inc': {'x': 2}}]
        >>> graph.get_state(config).values
        {'x': 2}
        >>> _ = graph.update_state(config, {"x": 10})
        >>> graph.get_state(config).values
        {'x': 10}
    """

    builder: Any

    def coerce_output(self, value: Any) -> Any:
        """invoke(version="v2") returns the output schema's model/dataclass instance."""
        from ._schema import is_model_schema

        schema = self.builder.output_schema
        if isinstance(value, dict) and is_model_schema(schema):
            return schema(**value)
        return value

    def coerce_state(self, value: Any) -> Any:
        """Checkpoint values in version="v2" streams are the state schema's model/dataclass."""
        from ._schema import is_model_schema

        schema = self.builder.state_schema
        if isinstance(value, dict) and is_model_schema(schema):
            return schema(**value)
        return value

    def get_graph(self, config: Any = None, *, xray: int | bool = False) -> Any:
        from ._drawing import state_graph_drawable

        return state_graph_drawable(self, xray=xray)

    def get_input_jsonschema(self, config: Any = None) -> dict[str, Any]:
        from ._jsonschema import schema_json

        return schema_json(self.builder.input_schema)

    def get_output_jsonschema(self, config: Any = None) -> dict[str, Any]:
        from ._jsonschema import schema_json

        return schema_json(self.builder.output_schema)

    def get_context_jsonschema(self) -> dict[str, Any] | None:
        from ._jsonschema import schema_json

        return schema_json(self.builder.context_schema) if self.builder.context_schema else None
