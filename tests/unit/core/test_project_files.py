"""The set-up files: apt waits for its lock, the license is an SPDX string with a setuptools that reads it."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_every_apt_get_in_the_bootstrap_waits_for_the_dpkg_lock():
    calls = [line for line in (ROOT / "scripts" / "bootstrap.sh").read_text().splitlines()
             if "apt-get" in line and not line.lstrip().startswith(("#", "echo"))]
    assert calls and all("-o DPkg::Lock::Timeout=300" in line for line in calls)


def test_the_license_is_an_spdx_string_and_setuptools_is_new_enough_to_read_it():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "Apache-2.0"
    [setuptools] = [r for r in project["build-system"]["requires"] if r.startswith("setuptools")]
    assert int(re.search(r">=(\d+)", setuptools).group(1)) >= 77


def test_no_test_imports_from_a_conftest_module():
    """`from conftest import X` takes whichever conftest another test folder loaded first: a run of several
    folders then fails to import. Shared helpers live in named modules (helpers.py, desk_calls.py, …)."""
    tests = Path(__file__).resolve().parents[2]
    offenders = [str(p.relative_to(tests)) for p in tests.rglob("*.py")
                 if re.search(r"^\s*(from conftest import|import conftest)", p.read_text(encoding="utf-8"), re.M)]
    assert offenders == []


def test_test_modules_have_names_of_their_own():
    """pytest imports test folders without packages by module name: two test_x.py in different folders stop the
    whole run at collection ('import file mismatch'), which only a run of every folder shows."""
    tests = Path(__file__).resolve().parents[2]
    names = [p.name for p in tests.rglob("*.py") if p.name != "conftest.py" and "__pycache__" not in p.parts]
    assert sorted({n for n in names if names.count(n) > 1}) == []
