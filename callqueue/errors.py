"""Call-queue errors: small classes the API maps once to answers (409 for a refused transition)."""
from __future__ import annotations

from callqueue.configfiles.problems import Problem


class QueueError(Exception):
    """Base of every call-queue fault."""


class InvalidTransition(QueueError):
    """An agent or entry asked to move to a status it cannot reach from where it is (API: 409)."""


class UnknownStatus(QueueError):
    """A status name a person cannot set, or that does not exist (API: 400)."""


class ConfigError(QueueError):
    """A queues or agents file that cannot be used; `problems` say file:line:column and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UnknownAgent(QueueError):
    """No agent has this id (API: 404)."""


class UnknownQueue(QueueError):
    """No queue has this name (API: 404)."""


class BadAgent(QueueError):
    """An agent's data that cannot be used: a bad contact, skill or level (API: 400)."""
