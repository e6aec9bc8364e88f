"""Which variables a call can have when it reaches each node, and the prompts that read one no path there sets.

A may-analysis over the flow graph: a variable counts as set at a node when at least one way from the start
sets it (a gather's valid answer, a set node, an http node's map, the flow's own variables, the caller's and
dialed numbers). A prompt reading a variable that no way sets always loses the part that reads it.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .checks import PROMPT_FIELDS, targets
from .model import Flow
from .nodes import GatherNode, HttpNode, ReturnNode, SetNode, SubflowNode, SurveyNode
from .prompts import read_variables

ANYTHING = "*"  # a subflow that was not inlined may set any variable
ALWAYS_SET = frozenset({"caller", "called"})


@dataclass(frozen=True)
class UnsetRead:
    """A prompt of `node` (its field path) reads `variable`, which no way to the node sets."""

    flow: str  # the flow file the node is written in (a part's own name for inlined subflow nodes)
    node: str
    field: tuple
    variable: str


def may_set(flow: Flow) -> dict[str, frozenset[str]]:
    """Node name -> the variables that some way from the start has set on arrival (reachable nodes only)."""
    arriving: dict[str, frozenset[str]] = {flow.start: frozenset(flow.variables) | ALWAYS_SET}
    todo = [flow.start]
    while todo:
        name = todo.pop()
        node = flow.nodes.get(name)
        if node is None:
            continue
        for target, made in _ways(flow, name, node):
            known = arriving.get(target, frozenset())
            grown = known | arriving[name] | made
            if target not in arriving or grown != known:
                arriving[target] = grown
                todo.append(target)
    return arriving


def _ways(flow: Flow, name: str, node) -> Iterator[tuple[str, frozenset[str]]]:
    """(next node, variables set on the way there) for every way out of `node`."""
    if isinstance(node, SubflowNode) and node.flow in flow.parts:
        yield flow.parts[node.flow], frozenset()
        return
    if isinstance(node, ReturnNode):
        part = name.split("/", 1)[0] if "/" in name else None
        for caller in flow.nodes.values():
            if isinstance(caller, SubflowNode) and caller.flow == part and caller.next:
                yield caller.next, frozenset()
        return
    for field, target in targets(node):
        yield target, _made(node, field)


def _made(node, field: tuple) -> frozenset[str]:
    if isinstance(node, SetNode):
        return frozenset(node.values)
    if isinstance(node, GatherNode) and field == ("next",):
        return frozenset({node.variable})
    if isinstance(node, HttpNode) and field == ("next",):
        return frozenset(node.map)
    if isinstance(node, SubflowNode):
        return frozenset({ANYTHING})
    saved = getattr(node, "save", None)  # a node kind that keeps the caller's choice in a variable
    return frozenset({saved}) if isinstance(saved, str) else frozenset()


def prompt_reads(flow: Flow, node) -> Iterator[tuple[tuple, str]]:
    """(field path, variable) for every variable the node's prompts read, in any language."""
    for field, prompt in _prompts(node):
        texts = [(field, prompt)] if isinstance(prompt, str) else [((*field, lang), prompt[lang]) for lang in sorted(prompt)]
        seen: set[str] = set()
        for path, text in texts:
            for variable in read_variables(text):
                if variable not in seen:  # one warning per prompt, at the first language that reads it
                    seen.add(variable)
                    yield path, variable


def _prompts(node) -> Iterator[tuple[tuple, object]]:
    for field in PROMPT_FIELDS:
        prompt = getattr(node, field, None)
        if prompt is not None:
            yield (field,), prompt
    if isinstance(node, SurveyNode):
        for index, question in enumerate(node.questions):
            yield ("questions", index, "prompt"), question.prompt


def unset_reads(flows: list[Flow]) -> list[UnsetRead]:
    """The prompt reads no way sets, over every served flow (subflows inlined): a part's node is flagged only
    when no flow that calls it sets the variable on any way there."""
    reads: dict[tuple, None] = {}
    satisfied: set[tuple] = set()
    for flow in flows:
        arriving = may_set(flow)
        for name, known in arriving.items():
            node = flow.nodes.get(name)
            for field, variable in prompt_reads(flow, node) if node is not None else ():
                key = (*_origin(flow, name), field, variable)
                reads[key] = None
                if variable in known or ANYTHING in known:
                    satisfied.add(key)
    return [UnsetRead(*key) for key in reads if key not in satisfied]


def _origin(flow: Flow, name: str) -> tuple[str, str]:
    """(flow written in, node name there) of a node of a served flow."""
    part, _, inner = name.partition("/")
    return (part, inner) if inner and part in flow.parts else (flow.name, name)
