"""The gunicorn hooks: a fresh metrics folder per server start, dead workers' live gauges dropped."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from ivr.observability import gunicorn_hooks


@pytest.fixture(autouse=True)
def new_start():
    gunicorn_hooks._made.clear()
    yield
    gunicorn_hooks._made.clear()


def test_a_folder_the_operator_named_is_emptied_of_the_last_runs_files(tmp_path):
    (tmp_path / "counter_41.db").write_bytes(b"old")
    (tmp_path / "notes.txt").write_text("not ours")
    environ = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    assert gunicorn_hooks.fresh_metrics_dir(environ) == str(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_without_a_folder_a_temporary_one_is_made_and_removed_when_the_server_stops():
    environ: dict = {}
    folder = Path(gunicorn_hooks.fresh_metrics_dir(environ))
    assert environ["PROMETHEUS_MULTIPROC_DIR"] == str(folder) and folder.is_dir() and not any(folder.iterdir())
    gunicorn_hooks.on_exit(None)
    assert not folder.exists()


def test_a_config_reload_keeps_the_folder_and_the_counts_in_it(tmp_path):
    environ = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    gunicorn_hooks.fresh_metrics_dir(environ)
    (tmp_path / "counter_7.db").write_bytes(b"this run's counts")
    gunicorn_hooks.fresh_metrics_dir(environ)
    assert (tmp_path / "counter_7.db").exists()


def test_a_dead_workers_live_gauge_file_is_removed_and_its_counters_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    for name in ("gauge_livesum_77.db", "counter_77.db", "gauge_livesum_78.db"):
        (tmp_path / name).write_bytes(b"")
    gunicorn_hooks.child_exit(None, SimpleNamespace(pid=77))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counter_77.db", "gauge_livesum_78.db"]
