"""The server's ``messages`` stream mode: LLM token chunks folded into whole messages.

The graph's ``messages`` mode yields ``(chunk, metadata)`` pairs. A client asking the server
for ``messages`` gets, per message id, one ``messages/metadata`` event ``{id: {"metadata": m}}``
the first time the id is seen, then ``messages/partial`` with the message accumulated so far
after every chunk, or ``messages/complete`` when the graph emits a whole message.
"""

from __future__ import annotations

from typing import Any

from ..messages import AIMessageChunk

__all__ = ["MessageAccumulator"]


class MessageAccumulator:
    """Folds the chunks of one run's messages, keyed by namespace and message id."""

    def __init__(self) -> None:
        # Invariant: each value is the sum (``+``) of every chunk seen under its key.
        self._messages: dict[tuple[tuple[str, ...], str], Any] = {}

    def events(
        self, namespace: tuple[str, ...], message: Any, metadata: dict[str, Any]
    ) -> list[tuple[str, Any]]:
        """Return the ``(event, data)`` pairs one ``(message, metadata)`` chunk produces."""
        out: list[tuple[str, Any]] = []
        message_id = getattr(message, "id", None)
        key = (namespace, message_id) if message_id is not None else None
        if key is not None and key in self._messages:
            if _is_chunk(message) and _is_chunk(self._messages[key]):
                message = self._messages[key] + message
            self._messages[key] = message
        else:
            if key is not None:
                self._messages[key] = message
            out.append(("messages/metadata", {message_id: {"metadata": metadata}}))
        if _is_chunk(message):
            return [*out, ("messages/partial", [_whole(message)])]
        return [*out, ("messages/complete", [message])]


def _is_chunk(message: Any) -> bool:
    return type(message).__name__.endswith("Chunk")


def _whole(chunk: Any) -> Any:
    """The message a chunk (or a sum of chunks) stands for, typed as a whole message."""
    if isinstance(chunk, AIMessageChunk):
        return chunk.to_message()
    if type(chunk).__module__.startswith("langchain_core."):
        # why: imported only when the graph already streams langchain-core messages
        from langchain_core.messages import message_chunk_to_message

        return message_chunk_to_message(chunk)
    return chunk
