"""Old LangGraph helper paths (``langgraph.utils.config``), kept so imports port unchanged."""

__all__: list[str] = []
