"""RIFF/WAVE files read and written by hand: the standard `wave` module knows only PCM, and telephone
recordings are often μ-law (format 7) or A-law (format 6)."""
from __future__ import annotations

import struct
from dataclasses import dataclass

from speech.errors import BadAudio

PCM, ALAW, ULAW, EXTENSIBLE = 1, 6, 7, 0xFFFE
KNOWN_FORMATS = {PCM, ALAW, ULAW}


@dataclass(frozen=True)
class WavData:
    """The fmt fields that matter and the raw sample bytes (cut to whole frames)."""

    format_tag: int
    channels: int
    rate_hz: int
    bits: int
    data: bytes


def parse_wav(blob: bytes) -> WavData:
    """Read a WAV file's fmt and data chunks. A data chunk cut short (an interrupted download) keeps
    what arrived; anything that is not RIFF/WAVE, or has no fmt or data chunk, raises BadAudio."""
    if len(blob) < 12 or blob[:4] != b"RIFF" or blob[8:12] != b"WAVE":
        raise BadAudio("not a WAV file (no RIFF/WAVE header)")
    chunks = dict(_chunks(blob))
    if b"fmt " not in chunks or b"data" not in chunks:
        raise BadAudio("WAV file without fmt or data chunk (cut short?)")
    fmt = _parse_fmt(chunks[b"fmt "])
    frame_bytes = fmt[1] * max(1, fmt[3] // 8)
    data = chunks[b"data"]
    return WavData(*fmt, data[: len(data) - len(data) % frame_bytes])


def _chunks(blob: bytes):
    offset = 12
    while offset + 8 <= len(blob):
        chunk_id, size = struct.unpack_from("<4sI", blob, offset)
        yield chunk_id, blob[offset + 8 : offset + 8 + size]
        offset += 8 + size + (size & 1)


def _parse_fmt(fmt: bytes) -> tuple[int, int, int, int]:
    if len(fmt) < 16:
        raise BadAudio("WAV fmt chunk too short")
    tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", fmt)
    if tag == EXTENSIBLE and len(fmt) >= 26:
        tag = struct.unpack_from("<H", fmt, 24)[0]
    if tag not in KNOWN_FORMATS:
        raise BadAudio(f"unsupported WAV encoding (format tag {tag}); use PCM, μ-law or A-law")
    if channels < 1 or rate < 1 or bits not in (8, 16, 24, 32) or (tag != PCM and bits != 8):
        raise BadAudio(f"unsupported WAV layout: {channels} channels, {rate} Hz, {bits} bits")
    return tag, channels, rate, bits


def build_wav(data: bytes, rate_hz: int, format_tag: int = PCM, bits: int = 16, channels: int = 1) -> bytes:
    """A WAV file around sample bytes. Non-PCM formats get the fact chunk and 18-byte fmt they require."""
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", format_tag, channels, rate_hz, rate_hz * block, block, bits)
    chunks = [(b"fmt ", fmt)]
    if format_tag != PCM:
        chunks = [(b"fmt ", fmt + b"\0\0"), (b"fact", struct.pack("<I", len(data) // block))]
    body = b"".join(_chunk(cid, payload) for cid, payload in [*chunks, (b"data", data)])
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body


def _chunk(chunk_id: bytes, payload: bytes) -> bytes:
    return chunk_id + struct.pack("<I", len(payload)) + payload + (b"\0" if len(payload) & 1 else b"")
