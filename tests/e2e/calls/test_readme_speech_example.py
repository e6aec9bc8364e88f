"""The README's speech example works as written: `ivr say` makes answer.wav, `ivr transcribe` recognises it."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from ivr.cli import main

README = Path(__file__).resolve().parents[3] / "README.md"


def readme_commands(*names: str) -> list[list[str]]:
    """The README's `.venv/bin/ivr NAME …` lines for the given subcommands, as argument lists, in order."""
    found = []
    for line in README.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\.venv/bin/ivr (\w+) (.*?)(?:\s+#.*)?$", line)
        if match and match.group(1) in names:
            found.append([match.group(1), *shlex.split(match.group(2))])
    return found


def test_the_readme_makes_answer_wav_before_it_transcribes_it(tmp_path, monkeypatch):
    from speech import SpeechError
    from speech.vosk_recognizer import VoskRecognizer

    try:
        VoskRecognizer.for_language("ko").load()
    except SpeechError as exc:
        pytest.skip(f"no Korean speech model: {exc}")
    commands = readme_commands("say", "transcribe")
    assert [c[0] for c in commands] == ["say", "transcribe"]
    monkeypatch.chdir(tmp_path)
    results = [CliRunner().invoke(main, args) for args in commands]
    assert [r.exit_code for r in results] == [0, 0], [r.output for r in results]
    assert '"match": "배송 조회"' in results[1].output
