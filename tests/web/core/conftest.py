"""Web tests: sockets a test opened by hand are closed when it ends (an unclosed one warns, and warnings fail)."""
from __future__ import annotations

import pytest

from stream_client import RawStream


@pytest.fixture(autouse=True)
def _close_raw_streams():
    yield
    while RawStream.opened:
        RawStream.opened.pop().close()
