"""`ivr recordings transcribe --since`: a day it cannot read and speech turned off are clear errors."""
from __future__ import annotations

from click.testing import CliRunner

from ivr.cli.main import main


def test_a_since_that_is_not_a_day_is_refused(tmp_path):
    result = CliRunner().invoke(main, ["recordings", "transcribe", "--since", "last week"],
                                env={"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert result.exit_code == 2 and "give a day as YYYY-MM-DD" in result.output


def test_with_speech_off_it_says_how_to_turn_it_on(tmp_path):
    result = CliRunner().invoke(main, ["recordings", "transcribe", "--since", "2026-01-01"],
                                env={"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "SPEECH": "off"})
    assert result.exit_code == 1 and "SPEECH=off" in result.output
