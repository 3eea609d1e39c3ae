"""A secret kept only until it is used (an account's first password until its welcome mail is out): sealed with
AES-GCM under a key the settings derive from the payload key, so the database never holds it in clear."""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
CLEAR = "clear:"  # without a payload key (encryption off) the secret is kept as it is, as payloads are


def seal(key: bytes | None, secret: str) -> str:
    if key is None:
        return CLEAR + secret
    nonce = os.urandom(NONCE_BYTES)
    return base64.b64encode(nonce + AESGCM(key).encrypt(nonce, secret.encode(), None)).decode()


def unseal(key: bytes | None, sealed: str) -> str:
    """The secret; raises ValueError when ``key`` is not the one that sealed it."""
    if sealed.startswith(CLEAR):
        return sealed.removeprefix(CLEAR)
    if key is None:
        raise ValueError("the secret is sealed and no key is configured to open it")
    blob = base64.b64decode(sealed)
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], None).decode()
    except Exception as err:  # cryptography's InvalidTag: another key
        raise ValueError("the secret was sealed with another key") from err
