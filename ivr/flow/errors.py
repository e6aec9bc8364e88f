"""Flow errors: a problem found in a flow file, with the file, line and column it points at."""
from __future__ import annotations

from callqueue.configfiles.problems import Problem


class FlowLoadError(Exception):
    """A flow file that cannot be served; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class FlowRuntimeError(Exception):
    """A fault while stepping a flow that validation should have caught (a loop of gotos, say)."""
