"""The `ivr graph` command: draw a flow as Graphviz DOT, SVG or Mermaid."""
from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

FORMATS = ["dot", "mermaid", "svg"]


class GraphError(Exception):
    """Why no drawing could be made; the message is shown as it is."""


@click.command("graph")
@click.argument("flow")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="dot", show_default=True,
              help="dot: Graphviz text; svg: rendered by Graphviz's `dot`; mermaid: Mermaid flowchart text.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (default: standard output).")
@click.option("--lang", "language", default=None, help="Language of the prompt excerpts (default: the flow's first).")
@click.option("--flows-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Flows folder (default: FLOWS_DIR or the project's flows/).")
def graph_command(flow: str, output_format: str, output: Path | None, language: str | None,
                  flows_dir: Path | None) -> None:
    """Draw FLOW (a flow name in the flows folder, or a path to a flow file) with its subflows inlined.

    Edges carry what leads there: menu keys, valid/fallback, open/closed, switch conditions,
    answered/failed, and the dashed way back from a subflow.
    """
    try:
        served = load_flow(flow, flows_dir)
        drawing = render(served, output_format, language)
    except GraphError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    if output is None:
        click.echo(drawing, nl=False)
    else:
        output.write_text(drawing, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


def load_flow(flow: str, flows_dir: Path | None):
    """The flow as served (subflows inlined), loaded with the rest of its folder; GraphError if it cannot be."""
    from ..catalog import FlowCatalog
    from ..config import Settings

    path = Path(flow)
    is_file = path.suffix in (".yaml", ".yml") or path.is_file()
    directory = path.parent if is_file else (flows_dir or Settings.from_env().flows_dir)
    catalog = FlowCatalog(directory)
    with _quiet(logging.getLogger("ivr.catalog")):
        catalog.load()
    found = _find(catalog, path if is_file else None, flow)
    if found is None:
        raise GraphError("\n".join(_problems(catalog, path if is_file else None, flow, directory)))
    return found


def render(flow, output_format: str, language: str | None) -> str:
    """The drawing in the chosen format; GraphError for an unknown language or a missing Graphviz."""
    from ..flow.graph import to_dot, to_mermaid

    try:
        if output_format == "mermaid":
            return to_mermaid(flow, language)
        dot = to_dot(flow, language)
    except ValueError as exc:
        raise GraphError(str(exc)) from None
    return dot if output_format == "dot" else _svg(dot)


def _svg(dot: str) -> str:
    program = shutil.which("dot")
    if program is None:
        raise GraphError("Graphviz is not installed (no `dot` on PATH): install it with `apt-get install graphviz`, "
                         "or use --format dot or --format mermaid")
    done = subprocess.run([program, "-Tsvg"], input=dot.encode("utf-8"), capture_output=True, check=False)
    if done.returncode != 0:
        raise GraphError(f"dot -Tsvg failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout.decode("utf-8")


def _find(catalog, path: Path | None, name: str):
    for loaded in catalog.current.values():
        if (path is not None and Path(loaded.flow.path).resolve() == path.resolve()) or \
                (path is None and loaded.flow.name == name):
            return loaded.flow
    return None


def _problems(catalog, path: Path | None, name: str, directory: Path) -> list[str]:
    errors = sorted((p for ps in catalog.problems.values() for p in ps if p.severity == "error"),
                    key=lambda p: (p.file, p.line, p.column))
    if path is not None and not path.is_file():
        return [f"{path}: no such flow file"]
    if errors:
        return [str(p) for p in errors]
    known = ", ".join(sorted(catalog.current)) or "none"
    return [f"no flow named {name!r} in {directory} (flows there: {known})"]


@contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    """Silence a logger for a moment: the command prints the problems itself, once."""
    was, logger.disabled = logger.disabled, True
    try:
        yield
    finally:
        logger.disabled = was
