"""The `ivr` command's small promises: one prompt cache with the server, and `db upgrade` says what it did."""
from __future__ import annotations

from click.testing import CliRunner

from ivr.cli import main
from ivr.config import Settings


def test_ivr_prompts_looks_in_the_servers_prompt_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMPT_CACHE_DIR", str(tmp_path / "cache"))
    result = CliRunner().invoke(main, ["prompts", "path", "요금"])
    assert result.exit_code == 1
    assert f"not cached in {Settings.from_env().prompt_cache_dir}: '요금'" in result.output
    assert str(tmp_path / "cache") in result.output


def test_ivr_prompts_defaults_to_the_servers_cache_without_the_setting(monkeypatch):
    monkeypatch.delenv("PROMPT_CACHE_DIR", raising=False)
    result = CliRunner().invoke(main, ["prompts", "path", "요금"])
    assert f"not cached in {Settings.from_env().prompt_cache_dir}:" in result.output


def test_db_upgrade_says_from_which_revision_to_which(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'ivr.sqlite3'}")
    first = CliRunner().invoke(main, ["db", "upgrade"])
    second = CliRunner().invoke(main, ["db", "upgrade"])
    assert first.exit_code == 0 and "upgraded from revision none (empty) to 0" in first.output
    head = first.output.strip().rsplit(" ", 1)[-1]
    assert second.output.strip().endswith(f"was already at revision {head}: nothing to do")
