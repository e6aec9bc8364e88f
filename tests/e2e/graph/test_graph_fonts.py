"""A flow drawn to PNG uses a font with Hangul (not empty boxes): Graphviz must resolve the DOT's font to a CJK one."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ivr.flow.graph import FONT, to_dot
from ivr.flow.loader import load_flow_file

FLOWS = Path(__file__).resolve().parent / "flows"


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed (scripts/debian-packages.txt)")
def test_a_png_of_a_korean_flow_is_drawn_with_a_cjk_font(tmp_path):
    dot = to_dot(load_flow_file(FLOWS / "shop.yaml"), "ko")
    assert re.search(r"[가-힣]", dot)
    done = subprocess.run(["dot", "-v", "-Tpng", "-o", str(tmp_path / "shop.png")], input=dot.encode(),
                          capture_output=True, check=True)
    resolved = re.findall(r'fontname: "([^"]*)" resolved to: .*"(.*?)"', done.stderr.decode("utf-8", "replace"))
    assert resolved, "Graphviz did not say which font it used"
    assert all(name == FONT for name, _ in resolved)
    assert all("CJK" in font for _, font in resolved), (
        f"Graphviz drew with {resolved}: install fonts-noto-cjk (scripts/debian-packages.txt) for Hangul")


def test_the_cjk_font_is_a_debian_package_the_bootstrap_installs():
    packages = (Path(__file__).resolve().parents[3] / "scripts" / "debian-packages.txt").read_text().split()
    assert "fonts-noto-cjk" in packages and "graphviz" in packages
