"""The speech commands through click's runner: transcribe with a grammar, say, prompts."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ivr.cli.prompts import prompts
from speech.audio import from_ulaw, to_wav
from ivr.cli.speech import say, transcribe

from speech_menu import GRAMMAR


@pytest.fixture(scope="module")
def wav_files(tmp_path_factory, line_ulaw):
    folder = tmp_path_factory.mktemp("calls")
    (folder / "billing.wav").write_bytes(to_wav(from_ulaw(line_ulaw["billing"]), "ulaw"))
    (folder / "agent.ulaw").write_bytes(line_ulaw["agent"])
    (folder / "notes.wav").write_text("not audio")
    return folder


def test_transcribe_json_prints_file_text_confidence_and_the_chosen_phrase(recognizer, wav_files):
    files = [str(wav_files / "billing.wav"), str(wav_files / "agent.ulaw")]
    args = [*files, "--grammar", ",".join(GRAMMAR), "--json", "--model", str(recognizer.model_path)]
    result = CliRunner().invoke(transcribe, args)
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert result.exit_code == 0
    assert [(r["file"], r["match"]) for r in rows] == [(files[0], "요금"), (files[1], "상담원 연결")]
    assert all(set(r) == {"file", "text", "confidence", "match", "sure"} for r in rows)
    assert all(isinstance(r["sure"], bool) for r in rows)


def test_transcribe_reports_a_file_that_is_not_audio_and_exits_1(recognizer, wav_files):
    args = [str(wav_files / "notes.wav"), "--model", str(recognizer.model_path)]
    result = CliRunner().invoke(transcribe, args)
    assert result.exit_code == 1 and "not a WAV file" in result.output


def test_transcribe_without_a_model_says_so(tmp_path):
    result = CliRunner().invoke(transcribe, [str(tmp_path / "x.wav"), "--model", str(tmp_path / "none")])
    assert result.exit_code == 1 and "does not exist" in result.output


def test_say_writes_an_8_khz_wav(synthesizer, tmp_path):
    result = CliRunner().invoke(say, ["안녕하세요", "--lang", "ko", "-o", str(tmp_path / "hi.wav")])
    assert result.exit_code == 0 and (tmp_path / "hi.wav").read_bytes()[:4] == b"RIFF"


def test_prompts_render_then_path_finds_the_cached_file(synthesizer, tmp_path):
    runner = CliRunner()
    rendered = runner.invoke(prompts, ["render", "-", "--cache-dir", str(tmp_path)], input="요금\n기술 지원\n")
    found = runner.invoke(prompts, ["path", "요금", "--cache-dir", str(tmp_path)])
    assert "2 rendered, 0 cached, 0 failed" in rendered.output
    assert found.exit_code == 0 and found.output.strip().endswith(".wav")


def test_validate_with_speech_warns_about_phrase_words_the_model_does_not_know(tmp_path):
    import shutil
    from pathlib import Path

    from click.testing import CliRunner

    from ivr.cli import main

    flows = tmp_path / "flows"
    shutil.copytree(Path(__file__).resolve().parents[3] / "flows", flows, ignore=shutil.ignore_patterns("tests", "schema"))
    main_yaml = flows / "main.yaml"
    main_yaml.write_text(main_yaml.read_text().replace("[요금, 환불, 결제 문의]", "[요금, 환불, 쿠폰사용]"))
    line = main_yaml.read_text().splitlines().index("  main_menu:") + 2
    result = CliRunner().invoke(main, ["validate", "--speech", str(flows)])
    assert result.exit_code == 0
    assert (f"{main_yaml}:{line}:5: warning: node 'main_menu': the 'ko' model does not know 쿠폰사용; "
            "callers saying it are not understood") in result.output
