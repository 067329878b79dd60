"""Serializers that turn checkpoint values into ``(type_tag, bytes)`` pairs and back.

``JsonPlusSerializer`` (msgpack, strict allowlist, never pickle) is the default of every
saver; ``EncryptedSerializer`` wraps any serializer with AES-GCM.
"""

from .base import CipherProtocol as CipherProtocol
from .base import SerializerProtocol as SerializerProtocol
from .encrypted import EncryptedSerializer as EncryptedSerializer
from .jsonplus import JsonPlusSerializer as JsonPlusSerializer

__all__ = ["CipherProtocol", "EncryptedSerializer", "JsonPlusSerializer", "SerializerProtocol"]
