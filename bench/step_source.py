"""Which code the bench serves: this working tree, or a commit exported to a temp folder (git archive)."""
from __future__ import annotations

import io
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def checkout(commit: str | None, workdir: Path) -> Path:
    """The project folder to serve: ROOT, or `commit` exported under `workdir` (the repo is not touched)."""
    if not commit:
        return ROOT
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit],
                             capture_output=True, check=True).stdout
    target = workdir / "source"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def describe(commit: str | None) -> str:
    if not commit:
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "ivr", "app.py"],
                               capture_output=True, text=True).stdout.strip()
        head = revision("HEAD")
        return f"working tree at {head}" + (" with uncommitted changes under ivr/" if dirty else "")
    return f"commit {revision(commit)}"


def revision(commit: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", commit],
                          capture_output=True, text=True, check=True).stdout.strip()


def put_first_on_path(project: Path) -> None:
    """Import `ivr` from `project` rather than from the editable install (which only comes after sys.path)."""
    if project != ROOT:
        sys.path.insert(0, str(project))
