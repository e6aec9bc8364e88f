"""The pass/fail report of a flow test run, as text for a terminal or a CI log."""
from __future__ import annotations

from itertools import groupby

from .runner import CaseResult, Outcome

INDENT = "        "


def report(outcome: Outcome, verbose: bool = False) -> str:
    """Problems when the tests could not run; else each case by file, failures with their transcript, a summary."""
    if outcome.problems:
        lines = [str(p) if p.file else p.message for p in outcome.problems]
        return "\n".join([*lines, f"✖ flow tests not run: {_count(len(outcome.problems), 'problem')}"])
    lines: list[str] = []
    for file, results in groupby(outcome.results, key=lambda r: r.file):
        lines.append(file)
        for result in results:
            lines += _case(result, verbose)
    notes = [f"note: {note}" for note in outcome.notes]
    return "\n".join([*lines, "", *notes, summary(outcome)])


def _case(result: CaseResult, verbose: bool) -> list[str]:
    lines = [f"  {'PASS' if result.passed else 'FAIL'}  {result.name}"]
    lines += [f"{INDENT}{failure}" for failure in result.failures]
    if result.failures or verbose:
        lines.append(f"{INDENT}heard:")
        lines += [f"{INDENT}  {line}" for line in result.transcript + result.http]
    return lines


def summary(outcome: Outcome) -> str:
    passed = len(outcome.results) - len(outcome.failed)
    if not outcome.results:
        return "✖ no case matched"
    if outcome.failed:
        return f"✖ {len(outcome.failed)} failed, {passed} passed"
    return f"✔ {_count(passed, 'case')} passed"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
