"""The server's secret key: IVR_SERVER_SECRET, else one made once and kept in the instance folder (mode 0600).

Prompt file names (an HMAC of their text) and the sealing of sensitive call variables both come from it,
each through a key of its own derived for that purpose. Several servers sharing one database must share
IVR_SERVER_SECRET; one server alone may keep the generated file.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

log = logging.getLogger(__name__)
MIN_CHARS = 32
_WARNED: set = set()  # key files already warned about in this process


class SecretKeyError(ValueError):
    """The configured secret key is unusable (too short, or the key file cannot be read or made)."""


def server_secret(settings) -> bytes:
    """IVR_SERVER_SECRET when set, else the instance folder's key file (made on first use)."""
    if settings.secret_key:
        if len(settings.secret_key) < MIN_CHARS:
            raise SecretKeyError(f"IVR_SERVER_SECRET must be at least {MIN_CHARS} characters")
        return settings.secret_key.encode()
    if not settings.development and settings.secret_key_file not in _WARNED:
        _WARNED.add(settings.secret_key_file)
        log.warning("IVR_SERVER_SECRET is not set: using %s; servers sharing a database need one IVR_SERVER_SECRET",
                    settings.secret_key_file)
    return read_or_create(Path(settings.secret_key_file))


def read_or_create(path: Path) -> bytes:
    """The key kept at `path`; a new random one is written there first (0600) when there is none.

    The file appears whole or not at all (written aside, then linked in place), so workers starting
    together all read the same key."""
    if not path.exists():
        _create(path)
    try:
        if path.stat().st_mode & 0o077:
            log.warning("secret key file %s can be read by others: chmod 600 it", path)
        key = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretKeyError(f"cannot read the secret key file {path}: {exc}") from exc
    if len(key) < MIN_CHARS:
        raise SecretKeyError(f"the secret key file {path} holds fewer than {MIN_CHARS} characters")
    return key.encode()


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32) + "\n")
        os.link(aside, path)  # fails if another process linked its key first: theirs is kept
        log.info("made a new secret key in %s", path)
    except FileExistsError:
        pass
    finally:
        aside.unlink(missing_ok=True)


def derived(secret: bytes, purpose: str) -> bytes:
    """A key for one purpose ("prompt-names", "sensitive-values"), so one use never reveals another's."""
    return hmac.new(secret, f"ivr:{purpose}".encode(), hashlib.sha256).digest()
