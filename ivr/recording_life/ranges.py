"""A recording's audio as an HTTP answer from a store stream: the whole of it (200) or exactly one byte range
(206 Partial Content, `Content-Range`), so the `<audio>` element can seek — without needing a file on disk, since
an S3-compatible store hands back a stream that may not seek. Never cached (`private, no-store`)."""
from __future__ import annotations

from typing import BinaryIO, Iterator

from flask import Response

CHUNK = 64 * 1024


def audio_answer(stream: BinaryIO, size: int | None, name: str, download: bool, range_header, if_range=None,
                 etag: str = "") -> Response:
    """The answer for `stream` (closed when the answer is); `range_header` is werkzeug's parsed `request.range`.

    One `bytes` range gets 206 with those bytes; a range past the end 416; several ranges, another unit, an
    `If-Range` naming an older version, or an unknown size get the whole audio (200), as HTTP allows."""
    headers = {"Cache-Control": "private, no-store",
               "Content-Disposition": f'{"attachment" if download else "inline"}; filename="{_safe(name)}"'}
    if etag:
        headers["ETag"] = f'"{etag}"'
    if size is None:  # a stream of unknown length: whole, and no promise of ranges
        return _answer(stream, _chunks(stream, None), 200, headers)
    headers["Accept-Ranges"] = "bytes"
    wanted = _one_range(range_header) if _range_applies(if_range, etag) else None
    if wanted is None:
        return _answer(stream, _chunks(stream, size), 200, {**headers, "Content-Length": str(size)})
    bounds = byte_range(wanted, size)
    if bounds is None:
        stream.close()
        return Response(b"", 416, {**headers, "Content-Range": f"bytes */{size}"}, mimetype="audio/wav")
    start, stop = bounds
    _skip(stream, start)
    return _answer(stream, _chunks(stream, stop - start), 206,
                   {**headers, "Content-Length": str(stop - start), "Content-Range": f"bytes {start}-{stop - 1}/{size}"})


def byte_range(wanted: tuple[int, int | None], size: int) -> tuple[int, int] | None:
    """(start, stop) of a range as werkzeug parses it (`bytes=10-19` -> (10, 20), `bytes=10-` -> (10, None),
    `bytes=-5` -> (-5, None)) within `size` bytes; None when it is not satisfiable."""
    start, stop = wanted
    if stop is None:
        if start < 0:
            start = max(0, size + start)
        stop = size
    stop = min(stop, size)
    return (start, stop) if 0 <= start < stop else None


def _one_range(range_header) -> tuple[int, int | None] | None:
    if range_header is None or range_header.units != "bytes" or len(range_header.ranges) != 1:
        return None
    return range_header.ranges[0]


def _range_applies(if_range, etag: str) -> bool:
    """`If-Range` with another version's tag (or a date we cannot check) means: send the whole thing."""
    if if_range is None or (not if_range.etag and not if_range.date):
        return True
    return bool(etag) and if_range.etag == etag


def _skip(stream: BinaryIO, count: int) -> None:
    """Move `count` bytes on: a seek when the stream can, else read and drop them."""
    try:
        if stream.seekable():
            stream.seek(count)
            return
    except (AttributeError, OSError):
        pass
    while count > 0:
        dropped = stream.read(min(CHUNK, count))
        if not dropped:
            return
        count -= len(dropped)


def _chunks(stream: BinaryIO, count: int | None) -> Iterator[bytes]:
    """`count` bytes (None: to the end) in pieces; the stream is closed when done or abandoned."""
    try:
        while count is None or count > 0:
            piece = stream.read(CHUNK if count is None else min(CHUNK, count))
            if not piece:
                return
            if count is not None:
                count -= len(piece)
            yield piece
    finally:
        stream.close()


def _answer(stream: BinaryIO, body: Iterator[bytes], status: int, headers: dict) -> Response:
    response = Response(body, status, headers, mimetype="audio/wav", direct_passthrough=True)
    response.call_on_close(stream.close)  # a client gone before the first byte
    return response


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name) or "recording.wav"
