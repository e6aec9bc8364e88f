"""The hand-written flows the diagram tests draw, loaded as the server serves them (subflows inlined)."""
from __future__ import annotations

from pathlib import Path

import pytest

from ivr.catalog import FlowCatalog

FLOWS = Path(__file__).resolve().parent / "flows"


@pytest.fixture(scope="session")
def shop():
    catalog = FlowCatalog(FLOWS)
    catalog.load()
    assert catalog.problems == {}
    return catalog.current["shop"].flow
