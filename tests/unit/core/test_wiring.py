"""One composition root: services get their collaborators when they are built, and nothing replaces them after."""
from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from callqueue.queues import QueueConfig
from callqueue.service import QueueService
from ivr.service import CallService
from recordings.pipeline import RecordingPipeline
from recordings.service import RecordingService

ROOT = Path(__file__).resolve().parents[3]
SCANNED = ["ivr", "callqueue", "recordings", "speech", "tests", "bench"]
COLLABORATORS = {"fetcher", "queues", "telephony", "store", "speech", "sealer", "presence", "recordings", "calls",
                 "twilio", "catalog", "uow"}
NOT_SERVICES = {"ivr/sim/center.py: run.calls"}  # a count of simulated calls, not a collaborator
SERVICES = {"CallService", "QueueService", "RecordingService", "PresenceService", "SpeechService"}


def _python_files(folders):
    for folder in folders:
        yield from (p for p in (ROOT / folder).rglob("*.py") if ".venv" not in p.parts)


def _targets(node):
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    for target in targets:
        yield from (target.elts if isinstance(target, ast.Tuple) else [target])


def _reassignments(tree):
    """`x.fetcher = ...` (and the like) on anything but the object's own `self` in its methods."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            for target in _targets(node):
                if (isinstance(target, ast.Attribute) and target.attr in COLLABORATORS
                        and not (isinstance(target.value, ast.Name) and target.value.id in ("self", "cls"))):
                    yield node.lineno, ast.unparse(target)


def test_nothing_assigns_a_services_collaborator_after_it_is_built():
    found = [f"{path.relative_to(ROOT)}:{line}: {text} = ..." for path in _python_files(SCANNED)
             for line, text in _reassignments(ast.parse(path.read_text(encoding="utf-8")))
             if f"{path.relative_to(ROOT)}: {text}" not in NOT_SERVICES]
    assert found == []


def test_the_scan_finds_a_reassignment_when_there_is_one():
    tree = ast.parse("app.extensions['ivr'].calls.fetcher = Down()\nservices.queues, services.presence = _queues()\n")
    assert [text for _, text in _reassignments(tree)] == ["app.extensions['ivr'].calls.fetcher", "services.queues",
                                                          "services.presence"]


def test_only_the_bootstrap_builds_the_services_in_the_server():
    builders = {str(path.relative_to(ROOT)) for path in _python_files(["ivr"])
                for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in SERVICES}
    assert builders == {"ivr/bootstrap.py", "ivr/speech_service.py"}  # build_speech is the bootstrap's helper


@pytest.mark.parametrize("service, name", [
    (CallService(None, None, None), "fetcher"), (CallService(None, None, None), "queues"),
    (CallService(None, None, None), "speech"), (QueueService(None, QueueConfig(queues={}), None), "telephony"),
    (RecordingPipeline(None, None, None, None, "here"), "store"), (CallService(None, None, None), "recording")])
def test_a_services_collaborators_cannot_be_replaced(service, name):
    with pytest.raises(AttributeError):
        setattr(service, name, object())


def test_build_refuses_an_override_it_does_not_know():
    from ivr.bootstrap import build
    from ivr.config import Settings

    with pytest.raises(TypeError, match="fetchr"):
        build(Settings.from_env({}), fetchr=object())


def test_the_queue_worker_is_named_after_the_process_that_offers_not_the_one_that_built_it():
    queues = QueueService(None, QueueConfig(queues={}), None)  # built before the fork, as under --preload
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports and leaves at once
        os.write(write, queues.worker.encode())
        os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    in_child = os.read(read, 200).decode()
    os.close(read)
    assert in_child.endswith(f":{child}") and queues.worker.endswith(f":{os.getpid()}") and in_child != queues.worker


def test_a_worker_name_given_at_construction_is_kept():
    assert QueueService(None, QueueConfig(queues={}), None, worker="w1").worker == "w1"
