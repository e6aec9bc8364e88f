"""Subflows: a flow's `subflow` nodes are served by inlining the called flows' nodes as 'part/node'."""
from __future__ import annotations

import hashlib

from .checks import TARGET_FIELDS
from .model import Flow
from .nodes import MenuNode, SubflowNode, SwitchNode

MAX_PARTS = 50


class ComposeError(Exception):
    """A subflow that cannot be inlined; `node` names the subflow node at fault."""

    def __init__(self, node: str, message: str):
        super().__init__(message)
        self.node = node


def compose(flow: Flow, flows: dict[str, Flow]) -> Flow:
    """`flow` with every flow it calls (directly or not) inlined once; unchanged when it calls none."""
    parts = _called(flow, flows)
    if not parts:
        return flow
    nodes = dict(flow.nodes)
    starts: dict[str, str] = {}
    for name in parts:
        part = flows[name]
        _check_languages(flow, part)
        nodes.update({f"{name}/{node_name}": _rename(node, name) for node_name, node in part.nodes.items()})
        starts[name] = f"{name}/{part.start}"
    variables = {k: v for part in parts for k, v in flows[part].variables.items()} | flow.variables
    lists = {k: v for part in parts for k, v in flows[part].lists.items()} | flow.lists
    version = _version(flow, [flows[p] for p in parts])
    return flow.model_copy(update={"nodes": nodes, "parts": starts, "variables": variables, "lists": lists, "version": version})


def _called(flow: Flow, flows: dict[str, Flow]) -> list[str]:
    """The names of every flow reached through subflow nodes, in the order first met."""
    found: list[str] = []
    todo = [(flow, node_name, node) for node_name, node in flow.nodes.items()]
    while todo:
        caller, node_name, node = todo.pop(0)
        if not isinstance(node, SubflowNode) or node.flow in found:
            continue
        if node.flow not in flows:
            raise ComposeError(node_name, f"subflow {node.flow!r} is not a loaded flow")
        if node.flow == flow.name:
            raise ComposeError(node_name, f"flow {flow.name!r} cannot call itself as a subflow")
        found.append(node.flow)
        if len(found) > MAX_PARTS:
            raise ComposeError(node_name, f"more than {MAX_PARTS} subflows are called")
        todo += [(flows[node.flow], n, nd) for n, nd in flows[node.flow].nodes.items()]
    return found


def _check_languages(flow: Flow, part: Flow) -> None:
    missing = [lang for lang in flow.languages if lang not in part.languages]
    if missing:
        raise ComposeError(part.name, f"subflow {part.name!r} does not offer {', '.join(missing)}, which flow {flow.name!r} offers")


def _rename(node, prefix: str):
    """The node with every target it names moved under `prefix/`."""
    def moved(target):
        return f"{prefix}/{target}" if isinstance(target, str) else target

    update = {field: moved(getattr(node, field)) for field in TARGET_FIELDS if isinstance(getattr(node, field, None), str)}
    if isinstance(node, MenuNode):
        options = {key: node.target(key).model_copy(update={"to": moved(node.target(key).to)}) for key in node.options}
        update["options"] = options
    if isinstance(node, SwitchNode):
        update["cases"] = [case.model_copy(update={"to": moved(case.to)}) for case in node.cases]
    return node.model_copy(update=update)


def _version(flow: Flow, parts: list[Flow]) -> str:
    joined = flow.version + "".join(f"|{p.name}:{p.version}" for p in parts)
    return hashlib.sha256(joined.encode()).hexdigest()[:16]
