"""Sensitive call variables (what a `sensitive: true` gather collected): sealed before they are stored.

A call's variables live in the database between webhooks; a caller's PIN must not lie there in plain
text. Values of the flow's sensitive variables are encrypted (Fernet: AES-128-CBC with an HMAC-SHA256,
from the well-kept `cryptography` package) with a key derived from the server's secret key, and opened
again when the next webhook loads the call. A value that cannot be opened (the key changed) reads as
empty, and is logged by name only.
"""
from __future__ import annotations

import base64
import logging

from cryptography.fernet import Fernet, InvalidToken

log = logging.getLogger(__name__)
SEALED = "sealed:v1:"


class Sealer:
    """Seals and opens the values of sensitive variables with one key."""

    def __init__(self, key: bytes):
        if len(key) != 32:
            raise ValueError("the sealing key must be 32 bytes")
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, variables: dict, names) -> dict:
        """`variables` with the values of `names` sealed (values sealed already are kept as they are)."""
        return {k: self._sealed(v) if k in names and v not in ("", None) else v for k, v in variables.items()}

    def open(self, variables: dict) -> dict:
        """`variables` with every sealed value opened."""
        return {k: self._opened(k, v) if isinstance(v, str) and v.startswith(SEALED) else v
                for k, v in variables.items()}

    def _sealed(self, value) -> str:
        text = str(value)
        return text if text.startswith(SEALED) else SEALED + self._fernet.encrypt(text.encode()).decode("ascii")

    def _opened(self, name: str, value: str) -> str:
        try:
            return self._fernet.decrypt(value[len(SEALED):].encode("ascii")).decode()
        except (InvalidToken, ValueError):
            log.warning("sensitive variable %r cannot be opened with this server's key; it reads as empty", name)
            return ""
