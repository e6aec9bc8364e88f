"""No import circles in the source tree, read from the source with ast (imports inside functions count)."""
from __future__ import annotations

import pytest

from import_graph import a_loop, circles, project_graph

# Imports from callqueue and recordings back into ivr: with ivr importing both, the packages form a circle.
# Known, and to be removed by moving what they share (the table metadata, flow file errors) out of ivr.
KNOWN_BACK_EDGES = {
    ("callqueue.tables", "ivr.tables"),
    ("callqueue.timer_lease", "ivr.tables"),
    ("callqueue.config", "ivr.flow.errors"),
    ("callqueue.config", "ivr.flow.yamldoc"),
    ("callqueue.errors", "ivr.flow.errors"),
    ("callqueue.queues", "ivr.flow.base"),
    ("recordings.tables", "ivr.tables"),
    ("speech.prompts_cli", "ivr.config"),       # the prompts commands read the server's settings
    ("speech.prompts_cli", "ivr.secret_key"),
}


def _package_graph(graph: dict[str, set[str]], skip=frozenset()) -> dict[str, set[str]]:
    """The top-level packages and which import which, leaving out the module edges in `skip`."""
    packages: dict[str, set[str]] = {}
    for module, targets in graph.items():
        for target in targets:
            source, sink = module.split(".")[0], target.split(".")[0]
            if source != sink and (module, target) not in skip:
                packages.setdefault(source, set()).add(sink)
    return packages


def test_no_module_imports_itself_round_a_loop():
    graph = project_graph()
    loops = [" -> ".join(a_loop(graph, group)) for group in circles(graph)]
    assert loops == []


def test_the_flow_package_has_no_import_circle():
    graph = project_graph()
    flow = {m: {t for t in ts if t.startswith("ivr.flow")} for m, ts in graph.items() if m.startswith("ivr.flow")}
    assert len(flow) > 20 and circles(flow) == []


def test_no_new_circle_between_packages():
    assert circles(_package_graph(project_graph(), KNOWN_BACK_EDGES)) == []


def test_every_known_back_edge_is_still_there_so_the_list_stays_true():
    graph = project_graph()
    assert [edge for edge in sorted(KNOWN_BACK_EDGES) if edge[1] not in graph.get(edge[0], set())] == []


@pytest.mark.xfail(strict=True, reason="callqueue and recordings still import ivr (KNOWN_BACK_EDGES): to fix")
def test_no_circle_between_packages():
    assert circles(_package_graph(project_graph())) == []


def test_a_lazy_import_inside_a_function_counts(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("def late():\n    from .a import thing\n    return thing\n")
    graph = project_graph(tmp_path, ("pkg",))
    assert circles(graph) == [frozenset({"pkg.a", "pkg.b"})]

