"""Where downloaded recordings are kept: the `RecordingStore` protocol and its local-filesystem implementation.

A store holds bytes under a key (`2024-05-01/CA…_RE….wav`: one folder per day). `put` must be atomic — a reader
or a crash never leaves a partial object under the key — and answers the sha256 of what it kept, so the pipeline
can verify the copy before Twilio's is deleted. To keep recordings elsewhere (S3-compatible storage), write a
class with the same four methods and name its factory in RECORDINGS_STORE (or pass it to
`build(..., recording_store=...)`); see docs/recordings.md. `RecordingAudio` is how everyone else reaches a row's
audio: through the store by its `store_key`, or — rows made before the store, with only `file_path` — the file.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol

SAFE = re.compile(r"[^A-Za-z0-9_-]")


class RecordingStore(Protocol):
    """Keeps recordings' audio by key; failures raise OSError (the pipeline retries them)."""

    def put(self, key: str, body: bytes) -> str:
        """Keep `body` under `key` atomically; the sha256 (hex) of what is now stored."""

    def open(self, key: str) -> BinaryIO:
        """The stored bytes for reading (FileNotFoundError when there is none)."""

    def delete(self, key: str) -> bool:
        """Remove the object; False when there was none."""

    def exists(self, key: str) -> bool:
        """Whether an object is stored under `key`."""


def recording_key(day: datetime, call_sid: str, recording_sid: str, suffix: str = ".wav") -> str:
    """The key of a recording: its day's folder (UTC) and the call's and recording's SIDs, made safe for paths."""
    name = f"{SAFE.sub('_', call_sid) or 'call'}_{SAFE.sub('_', recording_sid) or 'recording'}{suffix}"
    return f"{day.strftime('%Y-%m-%d')}/{name}"


def sha256_of(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 16), b""):
        digest.update(chunk)
    return digest.hexdigest()


class LocalRecordingStore:
    """Files under `directory` (RECORDINGS_DIR): written to a temporary file in the same folder, flushed to disk
    (fsync), then renamed over the key, and the folder synced, so a crash leaves the old file or the new one."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def path(self, key: str) -> Path:
        target = (self.directory / key).resolve()
        if self.directory.resolve() not in target.parents:
            raise ValueError(f"recording key {key!r} leaves the recordings folder")
        return target

    def put(self, key: str, body: bytes) -> str:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(body)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, target)
        except BaseException:
            _unlink(partial)
            raise
        _sync_folder(target.parent)
        with open(target, "rb") as kept:
            return sha256_of(kept)

    def open(self, key: str) -> BinaryIO:
        return open(self.path(key), "rb")

    def delete(self, key: str) -> bool:
        try:
            self.path(key).unlink()
        except FileNotFoundError:
            return False
        return True

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()


@dataclass(frozen=True)
class AudioRef:
    """Where a row's audio is, copied out of the row (to read it after the transaction has ended)."""

    store_key: str = ""
    file_path: str = ""

    @classmethod
    def of(cls, row) -> "AudioRef":
        return cls(row.store_key or "", row.file_path or "")


class RecordingAudio:
    """A recording row's audio wherever it is kept. A row with a `store_key` is read and deleted through the store
    (local folder or S3-compatible, the same for every reader: playback, transcripts, retention); an older row with
    only a `file_path` (relative to `directory`, RECORDINGS_DIR, or absolute) is a local file. `row` is anything
    with `store_key` and `file_path` attributes (a `RecordingRow`, an `AudioRef`)."""

    def __init__(self, store: RecordingStore | None, directory: Path):
        self.store, self.directory = store, Path(directory)

    @staticmethod
    def kept(row) -> bool:
        """Whether the row names any audio of ours (it may still be missing)."""
        return bool(row.store_key or row.file_path)

    def open(self, row) -> BinaryIO:
        """The audio for reading (the caller closes it); FileNotFoundError when none is kept."""
        if self._in_store(row):
            return self.store.open(row.store_key)
        if not row.file_path:
            raise FileNotFoundError("the recording has no audio of ours yet")
        return open(self.file(row.file_path), "rb")

    def delete(self, row) -> bool:
        """Remove the audio; False when there was none. OSError when it could not be removed."""
        if self._in_store(row):
            return self.store.delete(row.store_key)
        if not row.file_path:
            return False
        try:
            self.file(row.file_path).unlink()
        except FileNotFoundError:
            return False
        return True

    def file(self, file_path: str) -> Path:
        """A row's `file_path` as a path: as is when absolute, else under the recordings folder."""
        path = Path(file_path)
        return path if path.is_absolute() else self.directory / path

    def _in_store(self, row) -> bool:
        return bool(row.store_key) and self.store is not None


def stream_size(stream: BinaryIO) -> int | None:
    """The length of a seekable stream (read position kept); None when it cannot seek."""
    try:
        if not stream.seekable():
            return None
        here = stream.tell()
        end = stream.seek(0, os.SEEK_END)
        stream.seek(here)
        return end
    except (AttributeError, OSError, ValueError):
        return None


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _sync_folder(folder: Path) -> None:
    """The rename itself is durable only once the folder is synced (POSIX)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
