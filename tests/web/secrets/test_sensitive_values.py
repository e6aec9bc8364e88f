"""A caller's secret (a `sensitive: true` gather) read back in prompts: heard by the caller, kept nowhere in plain
text — not in the prompt cache, not in the database file, not in the logs — and served under no guessable name."""
from __future__ import annotations

import logging
import re

import pytest

from ivr.clock import FakeClock
from ivr.config import Settings
from ivr.sensitive import SEALED, Sealer
from ivr.sim import CallOptions, FlaskTransport, ScriptedCaller, run_call
from ivr.web import create_app

TOKEN = "secrets-token"
PIN = "493817"
FLOW = """\
name: pin
default: true
languages: [ko]
start: pin
nodes:
  pin:
    kind: gather
    prompt: "비밀번호 여섯 자리를 누르세요."
    variable: pin
    num_digits: 6
    sensitive: true
    next: read_back
  read_back:
    kind: say
    text: "입력하신 비밀번호는 {pin|digits} 입니다."
    next: confirm
  confirm:
    kind: menu
    prompt: "맞으면 1번을 누르세요."
    options:
      1: again
  again:
    kind: hangup
    prompt: "다시 한 번, {pin} 확인되었습니다."
"""


@pytest.fixture
def app(tmp_path):
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "pin.yaml").write_text(FLOW, encoding="utf-8")
    settings = Settings.from_env({}, database_url=f"sqlite:///{tmp_path}/db/ivr.sqlite3", flows_dir=flows,
                                 twilio_auth_token=TOKEN, api_token="api", speech="off", prompts="synth",
                                 prompt_cache_dir=tmp_path / "prompts", recordings_dir=tmp_path / "rec",
                                 secret_key_file=tmp_path / "instance" / "secret_key", log_level="DEBUG")
    (tmp_path / "db").mkdir()
    app = create_app(settings, FakeClock())
    if app.extensions["ivr"].speech.cache is None:
        pytest.skip(f"espeak-ng is not available: {app.extensions['ivr'].speech.problems}")
    yield app
    app.extensions["ivr"].engine.dispose()


def plain_forms(value: str) -> list[bytes]:
    return [value.encode(), " ".join(value).encode()]  # as typed, and as read out digit by digit


def test_a_sensitive_value_is_heard_by_the_caller_and_found_nowhere_on_disk_or_in_the_logs(app, tmp_path, caplog,
                                                                                           capfd):
    caplog.set_level(logging.DEBUG)
    result = run_call(FlaskTransport(app), caller=ScriptedCaller([PIN, "1"]), options=CallOptions(auth_token=TOKEN))
    assert result.error is None, result.lines
    assert "입력하신 비밀번호는 4 9 3 8 1 7 입니다." in result.said_texts  # what the caller hears
    assert f"다시 한 번, {PIN} 확인되었습니다." in result.said_texts  # opened again on a later webhook
    app.extensions["ivr"].engine.dispose()
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".wav" for p in files) and any(p.name.startswith("ivr.sqlite3") for p in files)
    leaks = [str(p) for p in files for form in plain_forms(PIN) if form in p.read_bytes()]
    logs = caplog.text + "".join(capfd.readouterr())
    assert leaks == [] and not any(form.decode() in logs for form in plain_forms(PIN))


def test_the_prompt_cache_holds_only_audio_under_names_made_with_the_server_key(app, tmp_path):
    run_call(FlaskTransport(app), caller=ScriptedCaller([PIN, "1"]), options=CallOptions(auth_token=TOKEN))
    names = sorted(p.name for p in (tmp_path / "prompts").iterdir() if not p.name.startswith("."))
    assert names and all(re.fullmatch(r"[0-9a-f]{40}\.wav", name) for name in names)
    client = app.test_client()
    assert all(client.get(f"/prompts/{name[:-4]}.txt").status_code == 404 for name in names)


def test_the_generated_secret_key_file_is_private_to_the_server(app, tmp_path):
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600 and len(key_file.read_text().strip()) == 64


def test_a_sealed_value_opens_only_with_the_same_key():
    sealed = Sealer(b"a" * 32).seal({"pin": PIN, "name": "kim"}, {"pin"})
    assert sealed["name"] == "kim" and sealed["pin"].startswith(SEALED) and PIN not in sealed["pin"]
    assert Sealer(b"a" * 32).open(sealed) == {"pin": PIN, "name": "kim"}
    assert Sealer(b"b" * 32).open(sealed) == {"pin": "", "name": "kim"}


def test_old_prompt_files_with_guessable_names_and_text_sidecars_are_removed_at_start(tmp_path):
    old = tmp_path / "prompts"
    old.mkdir()
    (old / ("a" * 32 + ".wav")).write_bytes(b"RIFF")
    (old / ("a" * 32 + ".txt")).write_text(f"입력하신 비밀번호는 {PIN}")
    settings = Settings.from_env({}, database_url=f"sqlite:///{tmp_path}/ivr.sqlite3", speech="off", prompts="synth",
                                 prompt_cache_dir=old, secret_key_file=tmp_path / "secret_key")
    app = create_app(settings, FakeClock())
    app.extensions["ivr"].engine.dispose()
    if app.extensions["ivr"].speech.cache is None:
        pytest.skip("espeak-ng is not available")
    assert [p for p in old.iterdir() if p.suffix in (".wav", ".txt") and len(p.stem) == 32] == []
