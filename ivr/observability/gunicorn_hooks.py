"""Gunicorn server hooks for metrics that add up across workers; import them in gunicorn.conf.py.

`fresh_metrics_dir()` must run in the config file itself, at load: with --preload the app (and so
prometheus_client, which picks its storage when imported) is loaded before gunicorn's first hook runs.
This module imports prometheus_client only inside `child_exit`, after the variable is set.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
_made: dict = {}  # the directory this process set up, and whether it created it


def fresh_metrics_dir(environ=os.environ) -> str:
    """Point PROMETHEUS_MULTIPROC_DIR at an empty folder for this server start; the same one on a config reload.

    A folder the operator named (PROMETHEUS_MULTIPROC_DIR set) is emptied of the last run's files;
    otherwise a temporary one is made (and removed by `on_exit`).
    """
    if _made.get("path") and environ.get(VARIABLE) == _made["path"]:
        return _made["path"]
    given = environ.get(VARIABLE, "")
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):
            stale.unlink()
    else:
        folder = Path(tempfile.mkdtemp(prefix="ivr-metrics-"))
    _made.update(path=str(folder), created=not given)
    environ[VARIABLE] = str(folder)
    return str(folder)


def child_exit(_server, worker) -> None:
    """A worker died or was replaced: its live gauges (webhooks in progress) stop counting."""
    from prometheus_client import multiprocess

    if os.environ.get(VARIABLE):
        multiprocess.mark_process_dead(worker.pid)


def on_exit(_server) -> None:
    """The server stops: a temporary metrics folder made at start is removed."""
    if _made.get("created"):
        shutil.rmtree(_made["path"], ignore_errors=True)
