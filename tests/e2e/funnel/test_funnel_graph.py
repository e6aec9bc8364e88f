"""funnel_graph: the flow diagram coloured by drop-off with counts on the edges, as SVG safe to inline."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ivr.board.funnel_graph import BANDS, UNVISITED, FunnelGraphError, fill_for, funnel_dot, funnel_graph, safe_svg
from ivr.catalog import FlowCatalog

FLOWS = Path(__file__).resolve().parents[3] / "flows"
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '''name: hostile
languages: [en]
start: "menu"
nodes:
  menu:
    kind: menu
    prompt: '</text><script>alert(1)</script> "quoted" & <b>'
    options:
      1: bye
  bye:
    kind: hangup
'''


def _flow(directory: Path, name: str):
    catalog = FlowCatalog(directory)
    catalog.load()
    return catalog.current[name].flow


@pytest.fixture(scope="module")
def main_flow():
    return _flow(FLOWS, "main")


FUNNEL = {"nodes": {
    "welcome": {"entries": 10, "exits": {"next": 10}, "drop_off": 0.0},
    "main_menu": {"entries": 8, "exits": {"1": 3, "2": 1, "hangup": 4}, "drop_off": 0.5},
    "order_number": {"entries": 20, "exits": {"next": 18, "hangup": 2}, "drop_off": 0.1},
}}


@pytest.mark.parametrize("drop_off, colour", [(0.0, BANDS[0][1]), (0.049, BANDS[0][1]), (0.05, BANDS[1][1]),
                                              (0.19, BANDS[1][1]), (0.2, BANDS[2][1]), (1.0, BANDS[2][1])])
def test_a_node_is_green_amber_or_red_by_its_drop_off(drop_off, colour):
    assert fill_for({"entries": 5, "drop_off": drop_off}) == colour


def test_a_node_nobody_entered_is_grey():
    assert (fill_for(None), fill_for({"entries": 0, "drop_off": None})) == (UNVISITED, UNVISITED)


def test_edges_carry_how_many_callers_took_them(main_flow):
    dot = funnel_dot(main_flow, FUNNEL)
    assert '"main_menu" -> "order_number" [label="1 (3)", penwidth=1.3]' in dot
    assert '"main_menu" -> "agent" [label="0, fallback (0)"' in dot
    assert '"main_menu" -> "recording_notice" [label="2 (1)", penwidth=1.1]' in dot
    assert '"order_number" -> "order_lookup" [label="valid (18)"' in dot
    assert '"(call)" -> "welcome" [label="10"]' in dot


def test_nodes_show_entries_and_drop_off_in_their_colour(main_flow):
    dot = funnel_dot(main_flow, FUNNEL)
    line = next(line for line in dot.splitlines() if line.strip().startswith('"main_menu" ['))
    assert 'xlabel="8 in, 50% hung up"' in line and f'fillcolor="{BANDS[2][1]}"' in line


def test_the_svg_is_drawing_only_and_names_the_nodes(main_flow):
    svg = funnel_graph(main_flow, FUNNEL)
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    titles = {el.text for el in root.iter(SVG + "title")}
    assert {"main_menu", "order_number", "choose_language/choose"} <= titles


def test_prompts_with_markup_come_out_as_text_not_elements(tmp_path):
    (tmp_path / "hostile.yaml").write_text(HOSTILE, encoding="utf-8")
    svg = funnel_graph(_flow(tmp_path, "hostile"), {"nodes": {}})
    root = ET.fromstring(svg)
    assert not [el for el in root.iter() if el.tag.replace(SVG, "") in ("script", "b", "a", "foreignObject")]
    texts = " ".join(el.text or "" for el in root.iter(SVG + "text"))
    assert "<script>alert(1)</script>" in texts.replace("  ", " ") or "<script>alert(1)" in texts


@pytest.mark.parametrize("svg", [
    '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><g onload="alert(1)"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="javascript:x"/></svg>',
])
def test_svg_with_anything_but_drawing_is_refused(svg):
    with pytest.raises(FunnelGraphError):
        safe_svg(svg)


def test_the_xml_prolog_and_doctype_are_left_out(main_flow):
    assert funnel_graph(main_flow, FUNNEL).startswith("<svg")
