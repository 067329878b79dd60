"""stategraph: stateful, durable agent workflows (LangGraph-compatible API)."""
