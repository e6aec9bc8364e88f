"""A recording store that behaves, for the code using it, like S3-compatible object storage: bytes under keys in
memory, no file anywhere (rows get no `file_path`), read streams that cannot seek, and deletes that can be made to
fail (`refuse_deletes`) like a store that is down."""
from __future__ import annotations

import hashlib
import io


class ForwardOnly(io.RawIOBase):
    """An object's body as a network stream: read forward only (seekable() is False)."""

    def __init__(self, body: bytes):
        super().__init__()
        self._body = io.BytesIO(body)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        piece = self._body.read(len(buffer))
        buffer[:len(piece)] = piece
        return len(piece)


class ObjectStore:
    def __init__(self):
        self.objects: dict[str, bytes] = {}
        self.refuse_deletes = False
        self.opened: list[str] = []

    def put(self, key: str, body: bytes) -> str:
        self.objects[key] = bytes(body)
        return hashlib.sha256(self.objects[key]).hexdigest()

    def open(self, key: str):
        if key not in self.objects:
            raise FileNotFoundError(key)
        self.opened.append(key)
        return io.BufferedReader(ForwardOnly(self.objects[key]))

    def delete(self, key: str) -> bool:
        if self.refuse_deletes:
            raise OSError("the object store answered HTTP 503 to the delete")
        return self.objects.pop(key, None) is not None

    def exists(self, key: str) -> bool:
        return key in self.objects


def from_settings(settings) -> ObjectStore:
    """A RECORDINGS_STORE factory (`object_store:from_settings`), as an operator's S3 module would have."""
    return ObjectStore()


def not_a_store(settings) -> object:
    return object()
