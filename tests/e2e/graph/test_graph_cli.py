"""`ivr graph FLOW`: DOT, Mermaid or SVG of a flow by name or by path, clear failures."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ivr.cli.graph import graph_command

FLOWS = Path(__file__).resolve().parent / "flows"
NO_GRAPHVIZ = shutil.which("dot") is None


def run(*args, **env):
    return CliRunner().invoke(graph_command, list(args), env=env or None)


def test_the_command_is_registered_as_ivr_graph():
    from ivr.cli import main

    assert main.get_command(None, "graph") is graph_command


def test_a_flow_named_in_the_flows_folder_is_printed_as_dot():
    result = run("shop", "--flows-dir", str(FLOWS))
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == 'digraph "shop" {'
    assert '  "main_menu" -> "order_number" [label="1"]' in result.output.splitlines()


def test_the_flows_folder_comes_from_flows_dir_in_the_environment():
    result = run("shop", FLOWS_DIR=str(FLOWS))
    assert result.exit_code == 0 and '  subgraph "cluster_pick_language" {' in result.output.splitlines()


def test_a_flow_file_path_is_drawn_with_its_subflows_inlined():
    result = run(str(FLOWS / "shop.yaml"), "--format", "mermaid", "--lang", "ko")
    assert result.exit_code == 0
    assert '  n_pick__language_sdone -.->|"return"| n_vip__check' in result.output.splitlines()
    assert '  n_goodbye("goodbye<br>hangup<br>안녕히 계세요.")' in result.output.splitlines()


def test_output_goes_to_a_file_in_utf8(tmp_path):
    target = tmp_path / "shop.mmd"
    result = run("shop", "--flows-dir", str(FLOWS), "--format", "mermaid", "--lang", "ko", "-o", str(target))
    assert result.exit_code == 0 and result.output == f"wrote {target}\n"
    assert "주문은 1번, 상담원은 0번을<br>누르세요." in target.read_text(encoding="utf-8")


def test_a_language_the_flow_does_not_speak_fails():
    result = run("shop", "--flows-dir", str(FLOWS), "--lang", "fr")
    assert result.exit_code == 1 and result.output == "flow 'shop' speaks en, ko, not 'fr'\n"


def test_an_unknown_flow_name_fails_listing_the_flows_there():
    result = run("nope", "--flows-dir", str(FLOWS))
    assert result.exit_code == 1
    assert result.output == f"no flow named 'nope' in {FLOWS} (flows there: pick_language, shop)\n"


def test_an_invalid_flow_fails_with_file_line_and_column(tmp_path):
    shutil.copytree(FLOWS, tmp_path, dirs_exist_ok=True)
    shop = tmp_path / "shop.yaml"
    shop.write_text(shop.read_text(encoding="utf-8").replace("      1: order_number", "      1: order_numbr"),
                    encoding="utf-8")
    result = run(str(shop))
    assert result.exit_code == 1
    assert result.output == f"{shop}:44:10: node 'main_menu' leads to 'order_numbr', which is not defined\n"


def test_svg_without_graphviz_says_how_to_install_it(tmp_path):
    result = run("shop", "--flows-dir", str(FLOWS), "--format", "svg", PATH=str(tmp_path))
    assert result.exit_code == 1
    assert result.output == ("Graphviz is not installed (no `dot` on PATH): install it with `apt-get install graphviz`, "
                             "or use --format dot or --format mermaid\n")


@pytest.mark.skipif(NO_GRAPHVIZ, reason="Graphviz's `dot` is not installed (apt-get install graphviz)")
def test_svg_is_rendered_by_graphviz_with_korean_text_intact(tmp_path):
    target = tmp_path / "shop.svg"
    result = run("shop", "--flows-dir", str(FLOWS), "--format", "svg", "--lang", "ko", "-o", str(target))
    svg = target.read_text(encoding="utf-8")
    assert result.exit_code == 0 and svg.startswith("<?xml")
    assert "<title>main_menu&#45;&gt;order_number</title>" in svg
    assert "안녕히 계세요." in svg
