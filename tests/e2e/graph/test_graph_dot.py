"""Graphviz DOT of a flow: labelled edges, subflows as clusters, escaping, stable output."""
from __future__ import annotations

import pytest

from ivr.flow.graph import Diagram, Edge, diagram, to_dot


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()]


@pytest.mark.parametrize("line", [
    '"main_menu" -> "order_number" [label="1"]',
    '"main_menu" -> "agent" [label="0, fallback"]',
    '"order_number" -> "lookup" [label="valid"]',
    '"order_number" -> "agent" [label="fallback", color="#999999", fontcolor="#777777"]',
    '"hours" -> "language" [label="open"]',
    '"hours" -> "closed" [label="closed"]',
    '"vip_check" -> "agent" [label="caller in vips"]',
    '"vip_check" -> "main_menu" [label="default"]',
    '"agent" -> "goodbye" [label="answered"]',
    '"agent" -> "closed" [label="failed", color="#999999", fontcolor="#777777"]',
    '"lookup" -> "goodbye" [label="ok"]',
    '"closed" -> "goodbye" [label="next"]',
    '"welcome" -> "hours"',
    '"(call)" -> "welcome"',
])
def test_each_edge_says_what_leads_there(shop, line):
    assert line in lines(to_dot(shop))


def test_a_language_switch_is_written_beside_its_key(shop):
    assert '"pick_language/choose" -> "pick_language/done" [label="1 (en), 2 (ko), fallback"]' in lines(to_dot(shop))


def test_a_subflow_is_a_cluster_called_into_and_returned_from_with_a_dashed_edge(shop):
    dot = lines(to_dot(shop))
    start = dot.index('subgraph "cluster_pick_language" {')
    assert dot[start + 1:start + 5] == [
        'label="pick_language"; style="rounded,dashed"; color="#7a5fa8"; fontcolor="#7a5fa8"',
        '"pick_language/choose" [label="choose\\nmenu\\nFor English press 1. 한국어는\\n2번.", shape=hexagon, fillcolor="#dbe8fb"]',
        '"pick_language/done" [label="done\\nreturn", shape=invhouse, fillcolor="#e9e0f7"]',
        "}",
    ]
    assert '"language" -> "pick_language/choose" [label="call"]' in dot
    assert '"pick_language/done" -> "vip_check" [label="return", style=dashed]' in dot
    assert not any(line.startswith('"language" -> "vip_check"') for line in dot)


def test_only_listed_keys_are_drawn_in_key_order_with_the_fallback_last(shop):
    labels = [e.label for e in diagram(shop).edges if e.source == "main_menu"]
    assert labels == ["0", "1", "fallback"]  # no "#" (repeat) nor "*" (back): every menu has those


def test_a_node_shows_its_name_kind_and_prompt_excerpt_with_quotes_escaped(shop):
    assert ('"welcome" [label="welcome\\nsay\\nWelcome to \\"Shop\\"! Press keys\\nas told.", '
            'shape=note, fillcolor="#fff8dc"]') in lines(to_dot(shop))


def test_quotes_and_line_breaks_in_an_edge_label_are_escaped(shop):
    assert '"vip_check" -> "order_number" [label="mood = say \\"hi\\"\\nnow"]' in lines(to_dot(shop))


def test_excerpts_are_in_the_chosen_language_and_korean_survives(shop):
    dot = lines(to_dot(shop, "ko"))
    assert '"goodbye" [label="goodbye\\nhangup\\n안녕히 계세요.", shape=octagon, peripheries=2, fillcolor="#f6cccc"]' in dot
    assert '"goodbye" [label="goodbye\\nhangup\\nGoodbye.", shape=octagon, peripheries=2, fillcolor="#f6cccc"]' in lines(to_dot(shop))


def test_a_language_the_flow_does_not_speak_is_refused(shop):
    with pytest.raises(ValueError, match="flow 'shop' speaks en, ko, not 'fr'"):
        to_dot(shop, "fr")


def test_long_prompts_are_cut_to_two_lines_with_an_ellipsis(shop):
    long = shop.nodes["goodbye"].model_copy(update={"prompt": "Thank you " * 20})
    flow = shop.model_copy(update={"nodes": {**shop.nodes, "goodbye": long}})
    box = next(b for b in diagram(flow).boxes if b.name == "goodbye")
    assert box.lines == ["goodbye", "hangup", "Thank you Thank you Thank you", "Thank you Thank you Thank you…"]


def test_the_output_does_not_depend_on_the_order_nodes_are_written_in(shop):
    reordered = shop.model_copy(update={"nodes": dict(reversed(list(shop.nodes.items())))})
    assert to_dot(reordered) == to_dot(shop) == to_dot(shop)


def test_spoken_phrases_are_appended_to_an_edge_label():
    edge = Edge("main_menu", "order_number", "1", ("order", "delivery"))
    assert edge.text == "1 “order” / “delivery”"
    merged = Diagram("f", "main_menu", (), (edge, Edge("main_menu", "order_number", "fallback"))).merged()
    assert merged == [Edge("main_menu", "order_number", "1 “order” / “delivery”, fallback")]


def test_the_diagram_module_imports_no_framework():
    import subprocess
    import sys

    code = ("import sys, ivr.flow.graph;"
            "print(sorted(m for m in ['flask', 'sqlalchemy', 'twilio', 'werkzeug', 'requests'] if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
