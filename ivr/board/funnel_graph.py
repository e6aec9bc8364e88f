"""The flow diagram of `ivr graph` with a funnel on it: nodes coloured by drop-off, counts on the edges, as SVG
safe to inline in a page or serve as image/svg+xml (every name and prompt is escaped for DOT, and Graphviz's
output is checked to hold nothing but drawing elements)."""
from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

from ..flow.graph import FONT, START, _dot, _dot_box, diagram

# drop-off (hang-ups / entries) -> fill: green under 5 %, amber under 20 %, red from there; grey: nobody came
BANDS = ((0.05, "#c8ecc4"), (0.20, "#fde2a6"), (1.01, "#f6b3b3"))
UNVISITED = "#eeeeee"
SVG = "{http://www.w3.org/2000/svg}"
DRAWING = {"svg", "g", "title", "polygon", "polyline", "path", "ellipse", "text", "defs"}


class FunnelGraphError(RuntimeError):
    """No diagram could be drawn (Graphviz missing or failing, or output that is not plain drawing)."""


def fill_for(figures: dict | None) -> str:
    """The colour of a node by its drop-off; grey for a node nobody entered."""
    if not figures or not figures.get("entries"):
        return UNVISITED
    return next(colour for limit, colour in BANDS if (figures["drop_off"] or 0) < limit)


def funnel_dot(flow, funnel: dict, language: str | None = None) -> str:
    """DOT text: the flow's boxes with entries and drop-off, each edge with how many callers took it."""
    drawing = diagram(flow, language)
    nodes = funnel.get("nodes", {})
    lines = [f"digraph {_dot(drawing.name)} {{", f'  graph [rankdir=TB, fontname="{FONT}", fontsize=11]',
             f'  node [fontname="{FONT}", fontsize=11, style=filled]', f'  edge [fontname="{FONT}", fontsize=10]',
             f'  {_dot(START)} [shape=circle, label="call", fillcolor="#333333", fontcolor=white]',
             f"  {_dot(START)} -> {_dot(drawing.start)} [label={_dot(str(_entries(nodes, drawing.start)))}]"]
    for box in drawing.boxes:
        lines.append("  " + _box(box, nodes.get(box.name)))
    for (source, target), ways in _ways(drawing.edges).items():
        lines.append("  " + _edge(source, target, ways, nodes.get(source)))
    return "\n".join([*lines, "}", ""])


def _entries(nodes: dict, name: str) -> int:
    return (nodes.get(name) or {}).get("entries", 0)


def _box(box, figures: dict | None) -> str:
    entered = (figures or {}).get("entries", 0)
    drop = (figures or {}).get("drop_off")
    counts = f"{entered} in" + (f", {drop:.0%} hung up" if drop is not None else "")
    line = _dot_box(box)
    line = re.sub(r'fillcolor="#[0-9a-f]{6}"', f'fillcolor="{fill_for(figures)}"', line)
    return line.replace(" [label=", f" [xlabel={_dot(counts)}, label=", 1)


def _ways(edges) -> dict[tuple[str, str], list]:
    """The edges grouped by (source, target), keeping each way's label (keys, valid, fallback...) without phrases."""
    grouped: dict[tuple[str, str], list] = {}
    for edge in edges:
        grouped.setdefault((edge.source, edge.target), []).append(edge)
    return grouped


def _edge(source: str, target: str, ways: list, figures: dict | None) -> str:
    """An edge labelled with its ways and how many callers left the source by them."""
    exits = (figures or {}).get("exits", {})
    labels = [edge.label for edge in ways]
    taken = sum(exits.get(reason, 0) for label in labels for reason in REASONS.get(label, (label,)))
    text = ", ".join(label for label in labels if label)
    label = f"{text} ({taken})" if text else f"({taken})"
    style = ", style=dashed" if all(edge.returns for edge in ways) else ""
    return f"{_dot(source)} -> {_dot(target)} [label={_dot(label)}, penwidth={1 + min(taken, 50) / 10:.1f}{style}]"


# the funnel's exit reasons an edge label of the diagram stands for (a menu key is its own reason)
REASONS = {"": ("next", "queue"), "valid": ("next",), "ok": ("next",), "next": ("next", "recorded"),
           "answered": ("transfer",), "failed": ("failed",), "fallback": ("invalid", "no_input"),
           "on_empty": ("empty",), "on_overflow": ("overflow",), "call": ("next",), "return": ("next",),
           "default": ("next",)}


def funnel_graph(flow, funnel: dict, language: str | None = None) -> str:
    """SVG text of the funnel diagram, without XML prolog or DOCTYPE, ready to inline or serve."""
    program = shutil.which("dot")
    if program is None:
        raise FunnelGraphError("Graphviz is not installed (no `dot` on PATH): apt-get install graphviz")
    done = subprocess.run([program, "-Tsvg"], input=funnel_dot(flow, funnel, language).encode("utf-8"),
                          capture_output=True, check=False, timeout=30)
    if done.returncode != 0:
        raise FunnelGraphError(f"dot -Tsvg failed: {done.stderr.decode('utf-8', 'replace').strip()[:500]}")
    return safe_svg(done.stdout.decode("utf-8"))


def safe_svg(text: str) -> str:
    """Graphviz's SVG from its root element on, refused if it holds anything but drawing (no script, link,
    foreign object, event handler or external reference)."""
    start = text.find("<svg")
    if start < 0:
        raise FunnelGraphError("Graphviz gave no <svg> element")
    body = text[start:]
    root = ET.fromstring(body)
    for element in root.iter():
        tag = element.tag.replace(SVG, "")
        if tag not in DRAWING:
            raise FunnelGraphError(f"unexpected <{tag}> in the diagram")
        for name in element.attrib:
            if name.lower().startswith("on") or "href" in name.lower():
                raise FunnelGraphError(f"unexpected attribute {name} in the diagram")
    return body
