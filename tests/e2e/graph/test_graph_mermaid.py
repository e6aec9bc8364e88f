"""Mermaid text of a flow: the same drawing as DOT, in Mermaid's ids, shapes and entity codes."""
from __future__ import annotations

import pytest

from ivr.flow.graph import to_mermaid


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()]


@pytest.mark.parametrize("line", [
    "flowchart TB",
    'n_main__menu -->|"1"| n_order__number',
    'n_main__menu -->|"0, fallback"| n_agent',
    'n_hours -->|"closed"| n_closed',
    'n_vip__check -->|"caller in vips"| n_agent',
    "n_welcome --> n_hours",
    "call --> n_welcome",
    'n_language -->|"call"| n_pick__language_schoose',
    'n_pick__language_sdone -.->|"return"| n_vip__check',
])
def test_each_edge_says_what_leads_there(shop, line):
    assert line in lines(to_mermaid(shop))


def test_a_subflow_is_a_subgraph_named_by_its_part(shop):
    mermaid = lines(to_mermaid(shop))
    start = mermaid.index('subgraph part_pick__language["pick_language"]')
    assert mermaid[start + 1:start + 4] == [
        'n_pick__language_schoose{{"choose<br>menu<br>For English press 1. 한국어는<br>2번."}}',
        'n_pick__language_sdone[\\"done<br>return"/]',
        "end",
    ]


def test_quotes_and_line_breaks_become_entity_codes_and_br(shop):
    mermaid = lines(to_mermaid(shop))
    assert 'n_vip__check -->|"mood = say #quot;hi#quot;<br>now"| n_order__number' in mermaid
    assert 'n_welcome>"welcome<br>say<br>Welcome to #quot;Shop#quot;! Press keys<br>as told."]' in mermaid


def test_each_kind_has_its_shape_and_colour_class(shop):
    mermaid = lines(to_mermaid(shop, "ko"))
    assert 'n_goodbye("goodbye<br>hangup<br>안녕히 계세요.")' in mermaid
    assert 'n_agent(["agent<br>transfer: dial {agent_number}"])' in mermaid
    assert "classDef kind_transfer fill:#c9ecc6,stroke:#555555" in mermaid
    assert "class n_main__menu,n_pick__language_schoose kind_menu" in mermaid


def test_the_output_does_not_depend_on_the_order_nodes_are_written_in(shop):
    reordered = shop.model_copy(update={"nodes": dict(reversed(list(shop.nodes.items())))})
    assert to_mermaid(reordered) == to_mermaid(shop)


@pytest.mark.parametrize("names", [("a-b", "a_b"), ("a/b", "a_sb"), ("end", "n_end"), ("x_h", "x-")])
def test_different_node_names_never_share_a_mermaid_id(shop, names):
    node = shop.nodes["goodbye"]
    flow = shop.model_copy(update={"start": names[0], "nodes": {name: node for name in names}, "parts": {}})
    boxes = [line for line in lines(to_mermaid(flow)) if line.startswith("n_") and "-->" not in line]
    assert len({box.split("(")[0] for box in boxes}) == 2
