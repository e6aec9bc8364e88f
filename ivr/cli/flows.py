"""`ivr validate` and `ivr schema`: check flow files the way the server will, and write the editor schema."""
from __future__ import annotations

import json
import logging
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from ..catalog import FlowCatalog
from ..config import PROJECT_ROOT, Settings
from ..flow.dataflow import unset_reads
from ..flow.errors import Problem
from ..flow.model import Flow
from ..flow.nodes import MenuNode

SCHEMA_PATH = PROJECT_ROOT / "flows" / "schema" / "flow.schema.json"


def flow_schema() -> dict:
    """The JSON Schema of a flow file, generated from the typed models."""
    schema = Flow.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "IVR call flow"
    schema["description"] = "A call flow served by the IVR; reference: docs/flows.md"
    return schema


def schema_text() -> str:
    return json.dumps(flow_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@click.command("validate")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--speech", is_flag=True, help="Also load the speech models and warn about phrase words they do not know.")
def validate_command(path: Path | None, strict: bool, speech: bool) -> None:
    """Check flow files (a folder, or one file with its folder) exactly as the server would load them.

    Prints each problem as file:line:column: severity: message. Exits 1 on errors (or warnings with --strict).
    """
    path = path or Settings.from_env().flows_dir
    folder, only = (path, None) if path.is_dir() else (path.parent, str(path))
    catalog = FlowCatalog(folder)
    with _quiet(logging.getLogger("ivr.catalog")):  # the catalog logs what it finds; we print it once, below
        catalog.load()
    problems = [p for file, ps in sorted(catalog.problems.items()) for p in ps]
    problems += unset_variable_warnings(catalog)
    if speech:
        problems += unknown_phrase_words(catalog)
    problems = list(dict.fromkeys(p for p in problems if only in (None, p.file)))
    for problem in problems:
        click.echo(f"{problem.file}:{problem.line}:{problem.column}: {problem.severity}: {problem.message}")
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    checked = [lf.flow.name for lf in catalog.current.values() if only in (None, lf.flow.path)]
    click.echo(f"{len(checked)} flow(s) valid, {errors} error(s), {warnings} warning(s)", err=bool(problems))
    if errors or (strict and warnings):
        sys.exit(1)


@click.command("schema")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=SCHEMA_PATH, show_default=True)
@click.option("--check", is_flag=True, help="Exit 1 when the file differs from the models (for CI).")
def schema_command(output: Path, check: bool) -> None:
    """Write the JSON Schema of flow files, for editors with YAML language support."""
    text = schema_text()
    if check:
        same = output.exists() and output.read_text(encoding="utf-8") == text
        click.echo(f"{output} is {'up to date' if same else 'out of date: run ivr schema'}")
        sys.exit(0 if same else 1)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}")


@contextmanager
def _quiet(logger: logging.Logger):
    was = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = was


def unset_variable_warnings(catalog: FlowCatalog) -> list[Problem]:
    """Warnings for prompts reading a variable no way to them sets: the part that reads it is always left out."""
    files = {name: loaded.flow.path for name, loaded in catalog.current.items()}
    found = []
    for read in unset_reads([loaded.flow for loaded in catalog.current.values()]):
        file = files.get(read.flow, "")
        message = (f"node {read.node!r} reads {{{read.variable}}} in {'.'.join(map(str, read.field))}, but no way to it "
                   f"sets {read.variable!r}: the part of the prompt that reads it is always left out")
        found.append(Problem(file, *catalog.locate(file, ("nodes", read.node, *read.field)), message, "warning"))
    return found


def unknown_phrase_words(catalog: FlowCatalog) -> list[Problem]:
    """Warnings for phrase words a language's model does not know: vosk silently drops them from a grammar."""
    from speech import SpeechError
    from speech.vosk_recognizer import VoskRecognizer

    found, models = [], {}
    for loaded in catalog.current.values():
        for language, node, words in _phrases(loaded.flow):
            if language not in models:
                try:
                    models[language] = VoskRecognizer.for_language(language).load()
                except SpeechError as exc:
                    models[language] = None
                    found.append(Problem(loaded.flow.path, 1, 1, f"no speech model for {language!r}: {exc}", "warning"))
            unknown = models[language].unknown_words(words) if models[language] else []
            if unknown:
                message = f"node {node!r}: the {language!r} model does not know {', '.join(unknown)}; callers saying it are not understood"
                found.append(Problem(loaded.flow.path, *catalog.locate(loaded.flow.path, ("nodes", node)), message, "warning"))
    return found


def _phrases(flow: Flow):
    for name, node in flow.nodes.items():
        if isinstance(node, MenuNode):
            for language in flow.languages:
                words = [p for phrases in node.phrases(language).values() for p in phrases]
                if words:
                    yield language, name, words
