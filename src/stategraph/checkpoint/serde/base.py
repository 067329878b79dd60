"""The two protocols of the serde layer: serializers and ciphers.

Savers only ever call ``dumps_typed``/``loads_typed``; the type tag is stored next to
the bytes so a value can be read back by the serializer that wrote it.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

__all__ = ["CipherProtocol", "SerializerProtocol"]


@runtime_checkable
class SerializerProtocol(Protocol):
    """Turns values into ``(type_tag, bytes)`` and back."""

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        """Serialize ``obj``; the tag names the format of the bytes."""
        ...

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        """Rebuild a value from a ``(type_tag, bytes)`` pair made by ``dumps_typed``."""
        ...


@runtime_checkable
class CipherProtocol(Protocol):
    """Symmetric encryption used by ``EncryptedSerializer``."""

    def encrypt(self, plaintext: bytes) -> tuple[str, bytes]:
        """Encrypt ``plaintext``; return the cipher name and the ciphertext."""
        ...

    def decrypt(self, ciphername: str, ciphertext: bytes) -> bytes:
        """Decrypt ``ciphertext`` made by the cipher called ``ciphername``."""
        ...
