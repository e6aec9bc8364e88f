"""Meaning checks on a typed flow: targets exist, languages have prompts, no node is stranded or loops."""
from __future__ import annotations

from collections.abc import Iterator

from .model import Flow
from .nodes import MenuNode, SayNode, SurveyNode, SwitchNode

# (path of keys, point at the key rather than the value, message, severity)
Finding = tuple[tuple, bool, str, str]

PROMPT_FIELDS = ("text", "play", "prompt", "short_prompt", "invalid_prompt", "no_input_prompt", "intro", "whisper")
TARGET_FIELDS = ("next", "fallback", "on_failure", "on_empty", "on_overflow", "to", "open", "closed", "default")
# Kinds that go straight on without waiting for the caller: a cycle made only of them never ends.
PASS_THROUGH = {"say", "goto", "hours", "switch", "set"}


def targets(node) -> Iterator[tuple[tuple, str]]:
    """Every (field path, node name) a node can lead to."""
    for field in TARGET_FIELDS:
        value = getattr(node, field, None)
        if isinstance(value, str):
            yield (field,), value
    if isinstance(node, MenuNode):
        for key in node.options:
            yield ("options", key, "to"), node.target(key).to  # the option itself when written bare
    if isinstance(node, SwitchNode):
        for index, case in enumerate(node.cases):
            yield ("cases", index, "to"), case.to


def check_flow(flow: Flow) -> list[Finding]:
    """All meaning problems of a flow that parsed; errors and warnings."""
    broken = [*_start(flow), *_targets(flow)]
    # With a missing target, "unreachable" warnings would only repeat the same mistake many times.
    unreachable = [] if broken else list(_reachable(flow))
    return [*broken, *_languages(flow), *_say(flow), *_lists(flow), *_stuck(flow), *unreachable]


def _start(flow: Flow) -> Iterator[Finding]:
    if flow.start not in flow.nodes:
        yield ("start",), False, f"start node {flow.start!r} is not defined under nodes", "error"


def _targets(flow: Flow) -> Iterator[Finding]:
    for name, node in flow.nodes.items():
        for field, target in targets(node):
            if target not in flow.nodes:
                yield ("nodes", name, *field), False, f"node {name!r} leads to {target!r}, which is not defined", "error"


def _prompts(node) -> Iterator[tuple[tuple, object]]:
    for field in PROMPT_FIELDS:
        yield (field,), getattr(node, field, None)
    if isinstance(node, SurveyNode):
        for index, question in enumerate(node.questions):
            yield ("questions", index, "prompt"), question.prompt


def _languages(flow: Flow) -> Iterator[Finding]:
    offered = set(flow.languages)
    for name, node in flow.nodes.items():
        for field, prompt in _prompts(node):
            if isinstance(prompt, dict):
                yield from _prompt_languages(("nodes", name, *field), prompt, offered)
        yield from _switched_languages(name, node, offered)


def _switched_languages(name: str, node, offered: set) -> Iterator[Finding]:
    if isinstance(node, MenuNode):
        for key in node.options:
            language = node.target(key).language
            if language is not None and language not in offered:
                yield ("nodes", name, "options", key), False, f"option {key} switches to {language!r}, which the flow's languages do not list", "error"
            for spoken in sorted(set(node.target(key).phrases) - offered):
                yield ("nodes", name, "options", key, "phrases", spoken), True, f"phrases in {spoken!r}, which the flow's languages do not list", "error"
    if isinstance(node, SwitchNode):
        for index, case in enumerate(node.cases):
            if case.when.language is not None and case.when.language not in offered:
                yield ("nodes", name, "cases", index, "when", "language"), False, f"case tests language {case.when.language!r}, which the flow's languages do not list", "error"


def _prompt_languages(path: tuple, prompt: dict, offered: set) -> Iterator[Finding]:
    for language in sorted(offered - prompt.keys()):
        yield path, False, f"no {language!r} text here, but the flow offers {language!r}", "error"
    for language in sorted(prompt.keys() - offered):
        yield path + (language,), True, f"text in {language!r}, which the flow's languages do not list", "error"


def _say(flow: Flow) -> Iterator[Finding]:
    for name, node in flow.nodes.items():
        if isinstance(node, SayNode) and node.text is None and node.play is None:
            yield ("nodes", name), False, f"say node {name!r} needs text or play", "error"


def _lists(flow: Flow) -> Iterator[Finding]:
    for name, node in flow.nodes.items():
        if isinstance(node, SwitchNode):
            for index, case in enumerate(node.cases):
                listed = case.when.caller_in
                if isinstance(listed, str) and listed not in flow.lists:
                    yield ("nodes", name, "cases", index, "when", "caller_in"), False, f"caller_in names the list {listed!r}, which the flow's lists do not define", "error"


def _stuck(flow: Flow) -> Iterator[Finding]:
    """A cycle of nodes none of which waits for the caller would spin forever."""
    reported: set[frozenset] = set()
    for name in flow.nodes:
        cycle = _pass_through_cycle(flow, name)
        if cycle and frozenset(cycle) not in reported:
            reported.add(frozenset(cycle))
            loop = " -> ".join([*cycle, cycle[0]])
            yield ("nodes", cycle[0]), True, f"these nodes loop without ever waiting for the caller: {loop}", "error"


def _pass_through_cycle(flow: Flow, first: str) -> list[str] | None:
    path, todo = [], [(first, [first])]
    while todo:
        name, path = todo.pop()
        node = flow.nodes.get(name)
        if node is None or node.kind not in PASS_THROUGH:
            continue
        for _, target in targets(node):
            if target == first:
                return path
            if target not in path and len(path) < len(flow.nodes):
                todo.append((target, [*path, target]))
    return None


def _reachable(flow: Flow) -> Iterator[Finding]:
    if flow.start not in flow.nodes:
        return
    seen, todo = set(), [flow.start]
    while todo:
        name = todo.pop()
        if name in seen or name not in flow.nodes:
            continue
        seen.add(name)
        todo += [target for _, target in targets(flow.nodes[name])]
    for name in flow.nodes:
        if name not in seen:
            yield ("nodes", name), True, f"node {name!r} can never be reached from {flow.start!r}", "warning"
