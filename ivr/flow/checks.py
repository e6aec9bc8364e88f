"""Meaning checks on a typed flow: targets exist, languages have prompts, every node is reachable."""
from __future__ import annotations

from collections.abc import Iterator

from .model import Flow, MenuNode, SayNode

# (path of keys, point at the key rather than the value, message, severity)
Finding = tuple[tuple, bool, str, str]

PROMPT_FIELDS = ("text", "play", "prompt", "invalid_prompt", "no_input_prompt")


def targets(node) -> Iterator[tuple[tuple, str]]:
    """Every (field path, node name) a node can lead to."""
    for field in ("next", "fallback", "on_failure", "to"):
        value = getattr(node, field, None)
        if isinstance(value, str):
            yield (field,), value
    if isinstance(node, MenuNode):
        for key in node.options:
            yield ("options", key), node.target(key).to


def check_flow(flow: Flow) -> list[Finding]:
    """All meaning problems of a flow that parsed; errors and warnings."""
    return [*_start(flow), *_targets(flow), *_languages(flow), *_say(flow), *_reachable(flow)]


def _start(flow: Flow) -> Iterator[Finding]:
    if flow.start not in flow.nodes:
        yield ("start",), False, f"start node {flow.start!r} is not defined under nodes", "error"


def _targets(flow: Flow) -> Iterator[Finding]:
    for name, node in flow.nodes.items():
        for field, target in targets(node):
            if target not in flow.nodes:
                yield ("nodes", name, *field), False, f"node {name!r} leads to {target!r}, which is not defined", "error"


def _languages(flow: Flow) -> Iterator[Finding]:
    offered = set(flow.languages)
    for name, node in flow.nodes.items():
        for field in PROMPT_FIELDS:
            prompt = getattr(node, field, None)
            if isinstance(prompt, dict):
                yield from _prompt_languages(("nodes", name, field), prompt, offered)
        if isinstance(node, MenuNode):
            for key in node.options:
                language = node.target(key).language
                if language is not None and language not in offered:
                    yield ("nodes", name, "options", key), False, f"option {key} switches to {language!r}, which the flow's languages do not list", "error"


def _prompt_languages(path: tuple, prompt: dict, offered: set) -> Iterator[Finding]:
    for language in sorted(offered - prompt.keys()):
        yield path, False, f"no {language!r} text here, but the flow offers {language!r}", "error"
    for language in sorted(prompt.keys() - offered):
        yield path + (language,), True, f"text in {language!r}, which the flow's languages do not list", "error"


def _say(flow: Flow) -> Iterator[Finding]:
    for name, node in flow.nodes.items():
        if isinstance(node, SayNode) and node.text is None and node.play is None:
            yield ("nodes", name), False, f"say node {name!r} needs text or play", "error"


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



