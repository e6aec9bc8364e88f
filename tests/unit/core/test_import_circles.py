"""No import circles in the source tree, read from the source with ast (imports inside functions count)."""
from __future__ import annotations

from import_graph import a_loop, circles, project_graph


def _package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The top-level packages and which import which."""
    packages: dict[str, set[str]] = {}
    for module, targets in graph.items():
        for target in targets:
            source, sink = module.split(".")[0], target.split(".")[0]
            if source != sink:
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


def test_no_circle_between_packages():
    assert circles(_package_graph(project_graph())) == []


def test_the_shared_leaf_modules_import_nothing_else_of_ours():
    """callqueue.sqltypes and callqueue.configfiles serve ivr and recordings too: they must stay leaves."""
    graph = project_graph()
    leaves = {m: ts for m, ts in graph.items() if m.startswith(("callqueue.sqltypes", "callqueue.configfiles"))}
    assert len(leaves) >= 4
    assert {m: ts for m, ts in leaves.items() if any(not t.startswith("callqueue.configfiles") for t in ts)} == {}


def test_a_lazy_import_inside_a_function_counts(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("def late():\n    from .a import thing\n    return thing\n")
    graph = project_graph(tmp_path, ("pkg",))
    assert circles(graph) == [frozenset({"pkg.a", "pkg.b"})]

