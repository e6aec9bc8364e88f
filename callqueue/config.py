"""Load queues.yaml and agents.yaml (beside the flows) into checked settings, reporting every problem as file:line:column.

The YAML is read with callqueue.configfiles' reader (the flow loader's too), which keeps each value's line and
column; pydantic's error locations and the cross-checks below are mapped back to them.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Callable

from pydantic import AfterValidator, BaseModel, ValidationError

from callqueue.configfiles.problems import Problem, UnreadableYaml
from callqueue.configfiles.yamldoc import Document, read_yaml

from .errors import ConfigError
from .model import Agent
from .queues import QueueConfig, Skills, Strict

QUEUES_FILE, AGENTS_FILE = "queues.yaml", "agents.yaml"  # in the flows folder
CONTACT = re.compile(r"^(client:[A-Za-z0-9_.@-]+|\+[1-9][0-9]{6,14})$")
Check = tuple[tuple, bool, str]  # (path, points at the key, message)


def _contact(value: str) -> str:
    if not CONTACT.match(value):
        raise ValueError(f"{value!r} is neither client:<identity> nor an E.164 number such as +821012345678")
    return value


class AgentSpec(Strict):
    """One agent as written in agents.yaml (the key is the agent's id)."""

    name: str
    contact: Annotated[str, AfterValidator(_contact)]
    skills: Skills = {}


class AgentsFile(Strict):
    agents: dict[str, AgentSpec]


def parse_queues(text: str, file: str = "<queues>") -> QueueConfig:
    """Parse and check a queues document; ConfigError lists every problem found."""
    return _load(text, file, QueueConfig, _name_queues, check_queues)


def parse_agents(text: str, file: str = "<agents>") -> list[Agent]:
    """Parse and check an agents document; the agents start offline (their status lives in the database)."""
    spec = _load(text, file, AgentsFile, lambda data: None, lambda spec: [])
    return [Agent(id, a.name, a.contact, dict(a.skills)) for id, a in spec.agents.items()]


def load_queues(path: Path) -> QueueConfig:
    """Read and parse a queues file (say flows/queues.yaml)."""
    return parse_queues(_read(path), str(path))


def load_agents(path: Path) -> list[Agent]:
    """Read and parse an agents file (say flows/agents.yaml)."""
    return parse_agents(_read(path), str(path))


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
    """The agents of a flows folder (none when there is no agents.yaml), or the file's problems."""
    path = Path(directory) / AGENTS_FILE
    if not path.exists():
        return [], []
    try:
        return load_agents(path), []
    except ConfigError as exc:
        return [], exc.problems


def check_queues(config: QueueConfig) -> list[Check]:
    """What field checks cannot see: names of other queues, languages, and escalations that widen."""
    # The default lists carry Korean and English labels: only lists the operator wrote are held to `languages`.
    problems: list[Check] = (_check_labels(config, ("break_reasons",), config.break_reasons)
                             if "break_reasons" in config.model_fields_set else [])
    for name, queue in config.queues.items():
        at = ("queues", name)
        if queue.name != name:
            problems.append((at + ("name",), False, f"name {queue.name!r} differs from the queue's key {name!r}; leave it out"))
        if queue.overflow_to is not None and queue.overflow_to not in config.queues:
            problems.append((at + ("overflow_to",), False, f"overflow_to names queue {queue.overflow_to!r}, which is not defined"))
        if queue.overflow_to is not None and queue.max_wait_s is None:
            problems.append((at + ("overflow_to",), True, "overflow_to needs max_wait_s: after how long to overflow"))
        problems += [(at + ("hold_prompts", lang), True, f"hold prompt language {lang!r} is not in languages {config.languages}")
                     for lang in queue.hold_prompts if lang not in config.languages]
        for i, step in enumerate(queue.escalations):
            problems += _check_step(config, name, i, step, queue.escalations[i - 1].after_s if i else 0)
        if "dispositions" in queue.model_fields_set:
            problems += _check_labels(config, at + ("dispositions",), queue.dispositions)
    return problems


def _check_labels(config: QueueConfig, at: tuple, items: list) -> list[Check]:
    """A label in a language callers cannot choose is a typo (say kr for ko); a missing one reads in English."""
    if not config.languages:
        return []
    return [(at + (i, "labels", lang), True, f"label language {lang!r} is not in languages {config.languages}")
            for i, item in enumerate(items) for lang in item.labels if lang not in config.languages]


def _check_step(config: QueueConfig, name: str, i: int, step, previous_s: float) -> list[Check]:
    at = ("queues", name, "escalations", i)
    skills = config.queues[name].skills
    problems = [(at + ("after_s",), False, f"after_s {step.after_s:g} must be later than the step before ({previous_s:g})")
                ] if step.after_s <= previous_s else []
    problems += [(at + ("add_queues", j), False, f"queue {other!r} is not defined")
                 for j, other in enumerate(step.add_queues) if other not in config.queues]
    problems += [(at + ("drop_skills", j), False, f"queue {name!r} does not require {skill!r}, so it cannot be dropped")
                 for j, skill in enumerate(step.drop_skills) if skill not in skills]
    problems += [(at + ("min_levels", skill), False, _not_lower(name, skill, level, skills.get(skill)))
                 for skill, level in step.min_levels.items() if level >= skills.get(skill, 0)]
    if not (step.add_queues or step.drop_skills or step.min_levels):
        problems.append((at, False, "an escalation step must lower min_levels, drop_skills or add_queues"))
    return problems


def _not_lower(queue: str, skill: str, level: int, required: int | None) -> str:
    if required is None:
        return f"queue {queue!r} does not require {skill!r}, so its level cannot be lowered"
    return f"min_levels {skill}: {level} does not lower the required level {required}"


def _name_queues(data: dict) -> None:
    # The key is the queue's name; the model carries it too, so a Queue knows who it is.
    queues = data.get("queues")
    for name, queue in queues.items() if isinstance(queues, dict) else ():
        if isinstance(queue, dict):
            queue.setdefault("name", name)


def _load(text: str, file: str, model: type[BaseModel], prepare: Callable[[dict], None],
          check: Callable[[Any], list[Check]]) -> Any:
    doc = _read_yaml(text, file)
    prepare(doc.data)
    try:
        result = model.model_validate(doc.data)
    except ValidationError as exc:
        found = [doc.problem(tuple(e["loc"]), _explain(e), key=_at_key(e)) for e in exc.errors()]
        raise ConfigError(_sorted(doc.problems + found)) from None
    found = [doc.problem(path, message, key=key) for path, key, message in check(result)]
    if doc.problems or found:
        raise ConfigError(_sorted(doc.problems + found))
    return result


def _read_yaml(text: str, file: str) -> Document:
    try:
        doc = read_yaml(text, file)
    except UnreadableYaml as exc:
        raise ConfigError(exc.problems) from None
    if not isinstance(doc.data, dict):
        raise ConfigError([Problem(file, 1, 1, "the file must be a mapping (queues: or agents: at the top)")])
    return doc


def _explain(error: dict) -> str:
    loc = [str(part) for part in error["loc"] if part != "[key]"]
    where = ".".join(loc)
    if error["type"] == "extra_forbidden":
        return f"unknown field {loc[-1]!r}" + (f" in {'.'.join(loc[:-1])}" if len(loc) > 1 else "")
    if error["type"] == "missing":
        return f"{'.'.join(loc[:-1]) or 'the file'}: {loc[-1]!r} is required"
    if error["type"] == "string_type" and isinstance(error.get("input"), (int, float)):
        return f"{where}: {error['input']!r} was read as a number; put it in quotes"
    message = error["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _at_key(error: dict) -> bool:
    return error["type"] == "extra_forbidden" or "[key]" in error["loc"]


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line, p.column))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(str(path), 1, 1, f"cannot read the file: {exc}")]) from None
