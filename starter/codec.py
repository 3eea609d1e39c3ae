"""Encryption of workflow payloads (AES-256-GCM), so personal data in histories is unreadable without the key.

Every payload a client or worker sends to Temporal (inputs, Update arguments, results, query answers, activity
arguments) is encrypted before it leaves the process; Temporal only stores ciphertext. Payloads that were written
without encryption (or before it was turned on) are read as they are. Search attributes are not payloads and are
never encrypted: keep personal data out of them.

The key comes from ONRAMP_PAYLOAD_KEY (base64 of 32 bytes) or the key file (`onramp dev` makes one under .onramp/).
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCODING = b"binary/encrypted"
NONCE_BYTES = 12


class PayloadKeyError(ValueError):
    """The configured key is not usable; the message says how to make one."""


def new_key() -> str:
    return base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()


def parse_key(text: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise PayloadKeyError(
            "ONRAMP_PAYLOAD_KEY must be the base64 of 32 random bytes; make one with "
            '`python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"`'
        )
    return key


def key_id(key: bytes) -> str:
    """A short, non-secret name for the key, stored with each payload so keys can be rotated."""
    return hashlib.sha256(b"onramp-payload-key" + key).hexdigest()[:16]


def ensure_key_file(path: Path) -> str:
    """The dev stack's key: made once, kept with the dev data (0600), reused across restarts."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(new_key() + "\n")
    return path.read_text().strip()


class EncryptionCodec(PayloadCodec):
    """Encrypts with the first key; decrypts with whichever key a payload names (old keys may be listed)."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise PayloadKeyError("at least one payload key is needed")
        self._encrypt_id = key_id(keys[0])
        self._ciphers = {key_id(key): AESGCM(key) for key in keys}

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._encrypt(payload) for payload in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._decrypt(payload) for payload in payloads]

    def _encrypt(self, payload: Payload) -> Payload:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self._encrypt_id].encrypt(nonce, payload.SerializeToString(), None)
        return Payload(
            metadata={"encoding": ENCODING, "encryption-key-id": self._encrypt_id.encode()}, data=nonce + sealed
        )

    def _decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            return payload  # written before encryption was on
        wanted = payload.metadata.get("encryption-key-id", b"").decode()
        cipher = self._ciphers.get(wanted)
        if cipher is None:
            raise PayloadKeyError(f"payload was encrypted with key {wanted}, which is not configured")
        plain = cipher.decrypt(payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:], None)
        decoded = Payload()
        decoded.ParseFromString(plain)
        return decoded
