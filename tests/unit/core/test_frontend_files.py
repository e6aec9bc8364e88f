"""The front end's set-up files: npm dependencies pinned exactly and locked, the built folder kept out of git, the
vendor files the pages load named in the build, and the stamp rebuilt when the front end changes."""
from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FRONTEND = ROOT / "frontend"


def test_every_npm_dependency_has_an_exact_version_and_the_lock_file_agrees():
    package = json.loads((FRONTEND / "package.json").read_text())
    lock = json.loads((FRONTEND / "package-lock.json").read_text())
    wanted = {**package["dependencies"], **package["devDependencies"]}
    assert {"htmx.org", "@twilio/voice-sdk", "chart.js", "esbuild"} <= set(wanted)
    assert [name for name, version in wanted.items() if not re.fullmatch(r"\d+\.\d+\.\d+", version)] == []
    assert {name: lock["packages"][f"node_modules/{name}"]["version"] for name in wanted} == wanted
    assert lock["packages"][""]["dependencies"] == package["dependencies"]


def test_the_build_writes_the_vendor_files_the_pages_load():
    build = (FRONTEND / "build.mjs").read_text()
    for name in ("htmx.min.js", "twilio.min.js", "chart.umd.js"):
        assert f'"{name}"]' in build


def test_built_files_and_npm_packages_stay_out_of_git():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "ivr/web/static/dist/" in ignored and "frontend/node_modules/" in ignored


def test_the_set_up_stamp_depends_on_the_front_ends_sources():
    stamp_rule = next(line for line in (ROOT / "Makefile").read_text().replace("\\\n", " ").splitlines()
                      if line.startswith("$(STAMP):"))
    for needed in ("frontend/package-lock.json", "frontend/build.mjs", "$(wildcard frontend/src/*)"):
        assert needed in stamp_rule
