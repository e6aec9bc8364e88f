"""Flow errors: a problem found in a flow file, with the file, line and column it points at."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a flow file; `line` and `column` count from 1."""

    file: str
    line: int
    column: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class FlowLoadError(Exception):
    """A flow file that cannot be served; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class FlowRuntimeError(Exception):
    """A fault while stepping a flow that validation should have caught (a loop of gotos, say)."""
