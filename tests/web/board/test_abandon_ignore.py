"""A queue's `abandon_ignore_s`: abandons after it count as misses in the service level, even within the target."""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from test_service_level_occupancy import TARGET_S, billing_tile, counts, play


@pytest.fixture
def board_settings(board_settings, tmp_path):
    """billing with `abandon_ignore_s: 5`: an abandon after 5 s is a miss even within the 20 s target."""
    flows = tmp_path / "flows"
    shutil.copytree(board_settings.flows_dir, flows)
    text = (flows / "queues.yaml").read_text(encoding="utf-8")
    marker = "    service_level_pct: 80\n"
    assert marker in text
    (flows / "queues.yaml").write_text(text.replace(marker, marker + "    abandon_ignore_s: 5\n", 1), encoding="utf-8")
    return replace(board_settings, flows_dir=Path(flows))


def test_abandon_ignore_s_per_queue_counts_abandons_after_it(day):
    script = [(60, "completed", 5, False), (120, "abandoned", 3, False), (180, "abandoned", 12, False)]
    play(day, script)
    within, counted = counts(script, TARGET_S, 5)
    assert (within, counted) == (1, 2)
    tile = billing_tile(day)
    assert (tile["answered_within"], tile["service_level_counted"], tile["service_level"]) == (within, counted, 0.5)
