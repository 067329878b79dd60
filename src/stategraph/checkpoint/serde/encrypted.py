"""Encrypt serialized checkpoint values at rest.

``EncryptedSerializer`` wraps another serializer; the tag of encrypted data becomes
``"{inner_tag}+{cipher}"`` and data without a ``+`` in its tag (written before
encryption was turned on) still loads.  ``from_aes`` uses AES-GCM from ``cryptography``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from ...errors import CheckpointError, ErrorCode, SerializationError
from .base import CipherProtocol, SerializerProtocol
from .jsonplus import JsonPlusSerializer

__all__ = ["AesGcmCipher", "EncryptedSerializer"]

_KEY_ENV = "LANGGRAPH_AES_KEY"
_NONCE_SIZE = 12


class AesGcmCipher:
    """AES-GCM with a random 96-bit nonce; ciphertext layout is ``nonce || data || tag``.

    Examples:
        >>> from stategraph.checkpoint.serde.encrypted import AesGcmCipher
        >>> cipher = AesGcmCipher(b"0123456789abcdef")  # a 16-byte key: AES-128
        >>> name, ciphertext = cipher.encrypt(b"hello")
        >>> name, len(ciphertext)  # 12-byte nonce + 5 bytes + 16-byte tag
        ('aes', 33)
        >>> cipher.decrypt(name, ciphertext)
        b'hello'
        >>> try:
        ...     AesGcmCipher(b"short")
        ... except Exception as e:
        ...     print(type(e).__name__, e.code.name)
        CheckpointError CHECKPOINT_BAD_ARGUMENT
    """

    name = "aes"

    def __init__(self, key: bytes) -> None:
        try:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise CheckpointError(
                "Encryption needs the 'cryptography' package: pip install 'stategraph[crypto]'.",
                code=ErrorCode.CHECKPOINT_BAD_ARGUMENT,
            ) from exc
        if len(key) not in (16, 24, 32):
            raise CheckpointError(
                f"An AES key must be 16, 24 or 32 bytes long, got {len(key)} bytes. "
                f"Pass key=... or set {_KEY_ENV} to such a key.",
                code=ErrorCode.CHECKPOINT_BAD_ARGUMENT,
            )
        self._aead = AESGCM(key)

    def encrypt(self, plaintext: bytes) -> tuple[str, bytes]:
        """Encrypt ``plaintext`` under a fresh nonce."""
        nonce = os.urandom(_NONCE_SIZE)
        return self.name, nonce + self._aead.encrypt(nonce, plaintext, None)

    def decrypt(self, ciphername: str, ciphertext: bytes) -> bytes:
        """Decrypt and authenticate; a wrong key or altered bytes raise (E301)."""
        from cryptography.exceptions import InvalidTag

        if ciphername != self.name:
            raise SerializationError(
                f"Data was encrypted with cipher {ciphername!r}, but this serializer uses "
                f"{self.name!r}. Configure the matching cipher to read it.",
                code=ErrorCode.CHECKPOINT_UNKNOWN_TYPE,
                type_name=ciphername,
            )
        try:
            return self._aead.decrypt(ciphertext[:_NONCE_SIZE], ciphertext[_NONCE_SIZE:], None)
        except InvalidTag as exc:
            raise SerializationError(
                "Encrypted checkpoint data failed authentication: the key is wrong or the "
                "stored bytes were altered.",
                code=ErrorCode.CHECKPOINT_CORRUPT,
            ) from exc


class EncryptedSerializer:
    """Serialize with ``serde`` and encrypt the bytes with ``cipher``.

    Examples:
        >>> from stategraph.checkpoint.base import EncryptedSerializer
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> serde = EncryptedSerializer.from_aes(key=b"0123456789abcdef0123456789abcdef")
        >>> tag, data = serde.dumps_typed({"api_key": "sk-123"})
        >>> tag, b"sk-123" in data
        ('msgpack+aes', False)
        >>> serde.loads_typed((tag, data))
        {'api_key': 'sk-123'}
        >>> wrong = EncryptedSerializer.from_aes(key=b"another key of thirty-two bytes!")
        >>> try:
        ...     wrong.loads_typed((tag, data))
        ... except Exception as e:
        ...     print(type(e).__name__, e.code.name)
        SerializationError CHECKPOINT_CORRUPT
        >>> saver = InMemorySaver(serde=serde)  # checkpoints are now encrypted at rest
    """

    def __init__(self, cipher: CipherProtocol, serde: SerializerProtocol | None = None) -> None:
        self.cipher = cipher
        self.serde: SerializerProtocol = serde if serde is not None else JsonPlusSerializer()

    @classmethod
    def from_aes(
        cls, *, key: bytes | None = None, serde: SerializerProtocol | None = None
    ) -> EncryptedSerializer:
        """Build an AES-GCM serializer; ``key`` defaults to the env var LANGGRAPH_AES_KEY."""
        if key is None:
            env_key = os.environ.get(_KEY_ENV)
            if not env_key:
                raise CheckpointError(
                    f"No AES key given: pass key=... (16, 24 or 32 bytes) or set {_KEY_ENV}.",
                    code=ErrorCode.CHECKPOINT_BAD_ARGUMENT,
                )
            key = env_key.encode()
        return cls(AesGcmCipher(key), serde)

    # LangGraph's name for the AES constructor (it uses pycryptodome; we use cryptography).
    from_pycryptodome_aes = from_aes

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        """Serialize, then encrypt; the tag records both steps."""
        tag, data = self.serde.dumps_typed(obj)
        ciphername, ciphertext = self.cipher.encrypt(data)
        return f"{tag}+{ciphername}", ciphertext

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        """Decrypt if the tag says so, then deserialize."""
        tag, payload = data
        if "+" in tag:
            tag, ciphername = tag.rsplit("+", 1)
            payload = self.cipher.decrypt(ciphername, bytes(payload))
        return self.serde.loads_typed((tag, payload))

    def with_allowlist(self, extra: Iterable[Any]) -> EncryptedSerializer:
        """Return a copy whose inner serializer also allows ``extra`` classes."""
        with_allowlist = getattr(self.serde, "with_allowlist", None)
        inner = with_allowlist(extra) if with_allowlist is not None else self.serde
        return EncryptedSerializer(self.cipher, inner)
