"""A flow as a diagram: Graphviz DOT or Mermaid text, with what leads where written on the edges (pure)."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from .checks import targets
from .model import Flow
from .nodes import MenuNode, ReturnNode, SubflowNode, SwitchNode
from .prompts import pick

# What an edge from a target field means, when it does not depend on the node's kind.
FIELD_LABELS = {"fallback": "fallback", "on_failure": "failed", "open": "open", "closed": "closed",
                "default": "default", "to": ""}
# What `next` means for the kinds where the node can also end another way.
NEXT_LABELS = {"gather": "valid", "transfer": "answered", "http": "ok", "voicemail": "next", "survey": "next"}
QUIET = {"fallback", "failed"}  # the unhappy paths, drawn in grey
PROMPT_FIELDS = ("prompt", "text", "intro")
EXCERPT_COLUMNS, EXCERPT_LINES = 30, 2
FONT = "Noto Sans CJK KR,Noto Sans,sans-serif"

FILLS = {"say": "#fff8dc", "menu": "#dbe8fb", "gather": "#e3f4e1", "goto": "#f2f2f2", "transfer": "#c9ecc6",
         "hangup": "#f6cccc", "hours": "#fde6c4", "switch": "#fde6c4", "set": "#f2f2f2", "subflow": "#e9e0f7",
         "return": "#e9e0f7", "http": "#e0f0f5", "voicemail": "#f0e3d6", "survey": "#f0e3d6"}
DOT_SHAPES = {
    "say": "shape=note", "menu": "shape=hexagon", "gather": 'shape=box, style="rounded,filled"',
    "goto": 'shape=box, style="rounded,dashed,filled"', "transfer": "shape=component",
    "hangup": "shape=octagon, peripheries=2", "hours": "shape=diamond", "switch": "shape=diamond", "set": "shape=box",
    "subflow": "shape=box, peripheries=2", "return": "shape=invhouse", "http": "shape=cylinder",
    "voicemail": "shape=folder", "survey": "shape=tab",
}
MERMAID_SHAPES = {  # opening and closing brackets
    "say": ('>"', '"]'), "menu": ('{{"', '"}}'), "gather": ('[/"', '"/]'), "goto": ('["', '"]'),
    "transfer": ('(["', '"])'), "hangup": ('("', '")'), "hours": ('{"', '"}'), "switch": ('{"', '"}'),
    "set": ('["', '"]'), "subflow": ('[["', '"]]'), "return": ('[\\"', '"/]'), "http": ('[("', '")]'),
    "voicemail": ('[/"', '"\\]'), "survey": ('[/"', '"\\]'),
}
START = "(call)"  # the incoming call, drawn before the start node (node names are plain words)
START_ID = "call"  # its Mermaid id; node ids all begin with n_


@dataclass(frozen=True)
class Box:
    """One node as drawn: its name, kind, a detail (number dialed, variable...) and a prompt excerpt."""

    name: str
    kind: str
    detail: str = ""
    excerpt: str = ""

    @property
    def part(self) -> str | None:
        """The subflow this node was inlined from, or None for the flow's own nodes."""
        return self.name.split("/", 1)[0] if "/" in self.name else None

    @property
    def lines(self) -> list[str]:
        title = self.name.split("/", 1)[-1]
        kind = f"{self.kind}: {self.detail}" if self.detail else self.kind
        return [title, kind, *_wrap(self.excerpt)]


@dataclass(frozen=True)
class Edge:
    """A way from one node to another; `phrases` (spoken words that pick it) are appended to the label."""

    source: str
    target: str
    label: str = ""
    phrases: tuple[str, ...] = ()
    returns: bool = False

    @property
    def text(self) -> str:
        spoken = " / ".join(f"“{phrase}”" for phrase in self.phrases)
        return " ".join(part for part in (self.label, spoken) if part)


@dataclass(frozen=True)
class Diagram:
    """What to draw: boxes sorted by name, edges in box order, and the node a call starts at."""

    name: str
    start: str
    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]

    @property
    def parts(self) -> list[str]:
        return sorted({box.part for box in self.boxes if box.part})

    def merged(self) -> list[Edge]:
        """One edge per (source, target): labels joined, quiet or dashed only when every way there is."""
        groups: dict[tuple[str, str], list[Edge]] = {}
        for edge in self.edges:
            groups.setdefault((edge.source, edge.target), []).append(edge)
        return [Edge(s, t, ", ".join(e.text for e in group if e.text), (), all(e.returns for e in group))
                for (s, t), group in groups.items()]


def diagram(flow: Flow, language: str | None = None) -> Diagram:
    """The boxes and edges of a flow (subflows already inlined), prompts excerpted in `language`."""
    language = language or flow.default_language
    if language not in flow.languages:
        raise ValueError(f"flow {flow.name!r} speaks {', '.join(flow.languages)}, not {language!r}")
    names = sorted(flow.nodes)
    boxes = tuple(_box(name, flow.nodes[name], flow, language) for name in names)
    edges = tuple(edge for name in names for edge in _edges(name, flow.nodes[name], flow))
    return Diagram(flow.name, flow.start, boxes, edges)


def to_dot(flow: Flow, language: str | None = None) -> str:
    """Graphviz DOT text of a flow: one box per node, subflows as clusters, edges labelled with what leads there."""
    drawing = diagram(flow, language)
    lines = [f"digraph {_dot(drawing.name)} {{",
             f'  graph [rankdir=TB, fontname="{FONT}", fontsize=11, nodesep=0.3, ranksep=0.45]',
             f'  node [fontname="{FONT}", fontsize=11, style=filled, margin="0.12,0.06"]',
             f'  edge [fontname="{FONT}", fontsize=10, color="#333333"]',
             f'  {_dot(START)} [shape=circle, label="call", fillcolor="#333333", fontcolor=white, width=0.5, fixedsize=true]']
    lines += [f"  {_dot_box(box)}" for box in drawing.boxes if not box.part]
    for part in drawing.parts:
        lines += [f"  subgraph {_dot('cluster_' + part)} {{",
                  f'    label={_dot(part)}; style="rounded,dashed"; color="#7a5fa8"; fontcolor="#7a5fa8"']
        lines += [f"    {_dot_box(box)}" for box in drawing.boxes if box.part == part]
        lines.append("  }")
    lines.append(f"  {_dot(START)} -> {_dot(drawing.start)}")
    lines += [f"  {_dot_edge(edge)}" for edge in drawing.merged()]
    return "\n".join([*lines, "}", ""])


def to_mermaid(flow: Flow, language: str | None = None) -> str:
    """Mermaid flowchart text of a flow, the same drawing as `to_dot` in Mermaid's shapes."""
    drawing = diagram(flow, language)
    lines = ["flowchart TB", f'  {START_ID}(("call"))']
    lines += [f"  {_mermaid_box(box)}" for box in drawing.boxes if not box.part]
    for part in drawing.parts:
        lines.append(f'  subgraph {_mid(part, "part_")}["{_mermaid(part)}"]')
        lines += [f"    {_mermaid_box(box)}" for box in drawing.boxes if box.part == part]
        lines.append("  end")
    lines.append(f"  {START_ID} --> {_mid(drawing.start)}")
    lines += [f"  {_mermaid_edge(edge)}" for edge in drawing.merged()]
    kinds = sorted({box.kind for box in drawing.boxes})
    lines += [f"  classDef kind_{kind} fill:{_fill(kind)},stroke:#555555" for kind in kinds]
    lines += [f"  class {','.join(_mid(b.name) for b in drawing.boxes if b.kind == kind)} kind_{kind}" for kind in kinds]
    return "\n".join([*lines, ""])


# -- what a node shows and where it leads -------------------------------------
def _box(name: str, node, flow: Flow, language: str) -> Box:
    prompt = next((getattr(node, f) for f in PROMPT_FIELDS if getattr(node, f, None) is not None), None)
    excerpt = pick(prompt, language, flow.default_language) if prompt is not None else ""
    return Box(name, node.kind, _detail(node), " ".join(excerpt.split()))


def _detail(node) -> str:
    details = {
        "gather": lambda: f"→ {node.variable}",
        "transfer": lambda: f"dial {node.number}",
        "http": lambda: f"{node.method} {node.url}",
        "subflow": lambda: f"calls {node.flow}",
        "set": lambda: ", ".join(sorted(node.values)),
        "survey": lambda: f"{node.name}, {len(node.questions)} questions",
        "voicemail": lambda: f"up to {node.max_length_s} s",
    }
    return details[node.kind]() if node.kind in details else ""


def _edges(name: str, node, flow: Flow) -> Iterator[Edge]:
    if isinstance(node, SubflowNode):
        yield from _subflow_edges(name, node, flow)
        return
    if isinstance(node, ReturnNode):
        yield from _return_edges(name, flow)
        return
    for field, target in sorted(targets(node), key=_field_order):
        yield Edge(name, target, *_label(node, field))


def _field_order(item: tuple[tuple, str]) -> tuple:
    """The happy way first, then keys (shortest, then in order) and cases, `default` and `fallback` last."""
    field = item[0]
    return field[0] in ("default", "fallback"), tuple((len(str(k)), str(k)) for k in field[1:])


def _label(node, field: tuple) -> tuple[str, tuple[str, ...]]:
    if isinstance(node, MenuNode) and field[0] == "options":
        option = node.target(field[1])
        switch = f" ({option.language})" if option.language else ""
        return field[1] + switch, tuple(getattr(option, "phrases", None) or ())
    if isinstance(node, SwitchNode) and field[0] == "cases":
        return condition_text(node.cases[field[1]].when), ()
    if field[0] == "next":
        return NEXT_LABELS.get(node.kind, ""), ()
    return FIELD_LABELS.get(field[0], field[0]), ()


def _subflow_edges(name: str, node: SubflowNode, flow: Flow) -> Iterator[Edge]:
    if node.flow in flow.parts:
        yield Edge(name, flow.parts[node.flow], "call")
    elif node.next:  # not composed: the part is not drawn, go straight on
        yield Edge(name, node.next, f"after {node.flow}")


def _return_edges(name: str, flow: Flow) -> Iterator[Edge]:
    part = name.split("/", 1)[0] if "/" in name else None
    callers = sorted(n for n, nd in flow.nodes.items() if isinstance(nd, SubflowNode) and nd.flow == part)
    for caller in callers:
        if flow.nodes[caller].next:
            yield Edge(name, flow.nodes[caller].next, "return", returns=True)


def condition_text(condition) -> str:
    """A switch case's test in a few words: `caller in vips`, `order_status = delivered`."""
    var = condition.variable
    tests = [
        condition.caller_in is not None and f"caller in {_listed(condition.caller_in)}",
        condition.equals is not None and f"{var} = {condition.equals}",
        condition.not_equals is not None and f"{var} ≠ {condition.not_equals}",
        condition.one_of is not None and f"{var} in {_listed(condition.one_of)}",
        condition.matches is not None and f"{var} ~ /{condition.matches}/",
        condition.present is not None and f"{var} {'given' if condition.present else 'empty'}",
        condition.language is not None and f"language = {condition.language}",
        condition.between is not None and f"time {condition.between}",
        condition.weekdays is not None and f"on {_listed(condition.weekdays)}",
    ]
    return " and ".join(t for t in tests if t) or "always"


def _listed(value: str | list[str]) -> str:
    return value if isinstance(value, str) else ", ".join(value)


# -- text ---------------------------------------------------------------------
def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, columns: int = EXCERPT_COLUMNS, most: int = EXCERPT_LINES) -> list[str]:
    """Up to `most` lines of at most `columns` (a Korean letter counts two); '…' when cut short."""
    lines: list[str] = []
    for word in text.split():
        if lines and _width(lines[-1]) + 1 + _width(word) <= columns:
            lines[-1] += " " + word
        else:
            lines.append(word)
    cut = len(lines) > most or any(_width(line) > columns for line in lines)
    lines = [_clip(line, columns) for line in lines[:most]]
    if cut:
        lines[-1] = _clip(lines[-1], columns - 1) + "…"
    return lines


def _clip(text: str, columns: int) -> str:
    while _width(text) > columns:
        text = text[:-1]
    return text


def _dot(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, line breaks as centred `\\n`."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"\r\n|\r|\n", r"\\n", escaped) + '"'


def _dot_box(box: Box) -> str:
    shape = DOT_SHAPES.get(box.kind, "shape=box")
    return f'{_dot(box.name)} [label={_dot(chr(10).join(box.lines))}, {shape}, fillcolor="{_fill(box.kind)}"]'


def _dot_edge(edge: Edge) -> str:
    attributes = [f"label={_dot(edge.text)}"] if edge.text else []
    if edge.returns:
        attributes.append("style=dashed")
    elif edge.text and set(edge.text.split(", ")) <= QUIET:
        attributes.append('color="#999999", fontcolor="#777777"')
    suffix = f" [{', '.join(attributes)}]" if attributes else ""
    return f"{_dot(edge.source)} -> {_dot(edge.target)}{suffix}"


def _mid(name: str, prefix: str = "n_") -> str:
    """A Mermaid id: letters, digits and _ only, one id per name (`_` doubled, `-` and `/` coded)."""
    coded = name.replace("_", "__").replace("-", "_h").replace("/", "_s")
    return prefix + re.sub(r"[^A-Za-z0-9_]", lambda m: f"_u{ord(m.group()):x}_", coded)


def _mermaid(text: str) -> str:
    """Text for inside Mermaid's double quotes: entity codes for what Mermaid would read as syntax."""
    codes = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "`": "#96;", "&": "#amp;"}
    escaped = "".join(codes.get(ch, ch) for ch in text)
    return re.sub(r"\r\n|\r|\n", "<br>", escaped)


def _mermaid_box(box: Box) -> str:
    opening, closing = MERMAID_SHAPES.get(box.kind, ('["', '"]'))
    return f"{_mid(box.name)}{opening}{_mermaid(chr(10).join(box.lines))}{closing}"


def _mermaid_edge(edge: Edge) -> str:
    arrow = "-.->" if edge.returns else "-->"
    label = f'|"{_mermaid(edge.text)}"|' if edge.text else ""
    return f"{_mid(edge.source)} {arrow}{label} {_mid(edge.target)}"


def _fill(kind: str) -> str:
    return FILLS.get(kind, "#ffffff")
