"""What a library-defined state class publishes as its JSON Schema ``description``.

pydantic takes a class's docstring as the schema's ``description``, and graphs built on our
ready-made states (``MessagesState``, the agent states) expose that schema (the server's
``/assistants/{id}/schemas``, ``get_input_jsonschema``).  Our docstrings carry reference prose
and examples, so each such class states its published description here instead: LangGraph's
short one.  Subclasses are untouched: their own docstring is their description, as before.
"""

from __future__ import annotations

from typing import Any

__all__ = ["publish_description"]


def publish_description(cls: Any, text: str | None) -> None:
    """Make ``cls``'s JSON Schema description ``text`` (None: no description at all).

    Works for a TypedDict (through ``__pydantic_config__``) and for a pydantic model (through
    its ``model_config``, rebuilt).  Only ``cls`` itself is affected, never a subclass.
    """

    def describe(schema: dict[str, Any], owner: Any = None) -> None:
        if owner is not cls:
            return
        if text is None:
            schema.pop("description", None)
        else:
            schema["description"] = text

    model_config = getattr(cls, "model_config", None)
    if isinstance(model_config, dict) and hasattr(cls, "model_rebuild"):
        cls.model_config = {**model_config, "json_schema_extra": describe}
        cls.model_rebuild(force=True)
    else:
        cls.__pydantic_config__ = {"json_schema_extra": describe}
