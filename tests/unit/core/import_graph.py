"""The project's imports as a graph, read from the source with `ast` (imports inside functions count too)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("ivr", "callqueue", "speech", "recordings")


def module_files(root: Path = ROOT, packages=PACKAGES) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the packages (a package is its __init__)."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imported_names(name: str, path: Path, modules=frozenset()) -> set[str]:
    """Every dotted name the module imports, wherever the import statement stands, relative ones resolved.

    `from pkg import x` imports the module pkg.x when it is one of `modules`, else the name x of pkg.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(package, node.module, node.level)
            for alias in node.names:
                names.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return names


def _resolve(package: str, module: str | None, level: int) -> str:
    if level == 0:
        return module or ""
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - (level - 1)])
    return f"{base}.{module}" if module else base


def project_graph(root: Path = ROOT, packages=PACKAGES) -> dict[str, set[str]]:
    """Module -> the project modules it imports (a name `from x import y` is the module x.y when y is one)."""
    files = module_files(root, packages)
    return {name: {n for n in imported_names(name, path, files.keys()) if n in files and n != name}
            for name, path in files.items()}


def third_party(root: Path = ROOT, packages=PACKAGES) -> dict[str, set[str]]:
    """Module -> the top-level names of the outside libraries it imports."""
    files = module_files(root, packages)
    return {name: {n.split(".")[0] for n in imported_names(name, path) if n.split(".")[0] not in packages}
            for name, path in files.items()}


def circles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The groups of modules that import each other, directly or round a loop (strongly connected, Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(frozenset(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """`start` and every project module it imports, directly or not."""
    seen, todo = set(), [start]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo += sorted(graph.get(module, ()))
    return seen


def a_loop(graph: dict[str, set[str]], group: frozenset[str]) -> list[str]:
    """One concrete loop through a circle's modules, to show in a failure message."""
    first = min(group)
    path, todo = [first], [(first, [first])]
    while todo:
        module, path = todo.pop(0)
        for target in sorted(graph.get(module, set()) & group):
            if target == first:
                return [*path, first]
            if target not in path:
                todo.append((target, [*path, target]))
    return path
