"""The queue files beside the flows (queues.yaml, agents.yaml): loaded for the server, checked for `ivr validate`."""
from __future__ import annotations

from pathlib import Path

from callqueue.config import load_agents, load_queues
from callqueue.errors import ConfigError
from callqueue.model import Agent
from callqueue.queues import QueueConfig

from .flow.errors import Problem
from .flow.queueing import EnqueueNode

QUEUES_FILE, AGENTS_FILE = "queues.yaml", "agents.yaml"
CONFIG_FILES = frozenset({QUEUES_FILE, AGENTS_FILE})


def read_queues(directory: Path) -> tuple[QueueConfig | None, list[Problem]]:
    """The queues of a flows folder (an empty config when there is no queues.yaml), or the file's problems."""
    path = Path(directory) / QUEUES_FILE
    if not path.exists():
        return QueueConfig(queues={}), []
    try:
        return load_queues(path), []
    except ConfigError as exc:
        return None, exc.problems


def read_agents(directory: Path) -> tuple[list[Agent], list[Problem]]:
    path = Path(directory) / AGENTS_FILE
    if not path.exists():
        return [], []
    try:
        return load_agents(path), []
    except ConfigError as exc:
        return [], exc.problems


def enqueue_problems(flow, doc, queues: QueueConfig | None) -> list[Problem]:
    """An enqueue node naming a queue that queues.yaml does not define (nothing to say when queues.yaml is broken)."""
    if queues is None:
        return []
    return [doc.problem(("nodes", name, "queue"), f"enqueue node {name!r} names queue {node.queue!r}, which "
                        f"{QUEUES_FILE} does not define (it has: {', '.join(sorted(queues.queues)) or 'none'})")
            for name, node in flow.nodes.items() if isinstance(node, EnqueueNode) and node.queue not in queues.queues]
