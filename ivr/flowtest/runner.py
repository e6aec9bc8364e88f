"""Run flow tests: the app on the flows folder and a temporary SQLite database, each case one signed simulated
call at its own moment, judged on what the caller heard and what the server kept."""
from __future__ import annotations

import secrets
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..clock import FakeClock
from ..config import Settings
from ..flow.errors import FlowLoadError, Problem
from ..sim import CallOptions, FlaskTransport, ScriptedCaller, run_call
from ..sim.callback import CallbackPlayer
from ..sim.loopback import in_process_overrides
from ..sim.transport import await_prompt_warming
from .fetch import CaseFetcher
from .loader import LoadedTest, caller, check_against_flows, dialed, find_test_files, read_test_file
from .model import Case
from .verdict import Observed, judge


@dataclass(frozen=True)
class CaseResult:
    """One case run: its failures (none: it passed), and the call's transcript and http requests to show."""

    file: str
    name: str
    failures: list[str]
    transcript: list[str]
    http: list[str]

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass
class Outcome:
    """A whole run: problems that kept it from running (invalid test files, flows that do not load), or results."""

    problems: list[Problem] = field(default_factory=list)
    results: list[CaseResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how the run was set up, e.g. speech recognition turned on

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]

    @property
    def exit_code(self) -> int:
        """0 when every case passed, 1 when one failed, 2 when the tests could not run."""
        if self.problems or not self.results:
            return 2
        return 1 if self.failed else 0


PROMPT_MODES = ("say", "synth")  # Twilio speaks the text (<Say>), or plays what the server synthesised (<Play>)


def run_flow_tests(paths: list[Path], flows_dir: Path, name_filter: str | None = None,
                   prompt_modes: tuple[str, ...] = PROMPT_MODES) -> Outcome:
    """Read every test file first (any invalid one stops the run), then run their cases against `flows_dir`,
    once per prompt mode: a case must hear the same words whether prompts are said or synthesised."""
    loaded, problems = _read_all(find_test_files(paths))
    if problems:
        return Outcome(problems)
    wanted = [(test, case) for test in loaded for case in test.test.cases
              if not name_filter or name_filter.casefold() in case.name.casefold()]
    outcome = Outcome()
    for mode in prompt_modes:
        ran = _run_in_mode(loaded, wanted, flows_dir, mode, len(prompt_modes) > 1)
        if ran.problems:
            return ran
        outcome.results += ran.results
        outcome.notes += [n for n in ran.notes if n not in outcome.notes]
    return outcome


def _run_in_mode(loaded: list[LoadedTest], wanted: list, flows_dir: Path, mode: str, named: bool) -> Outcome:
    speaking = sum(1 for _, case in wanted if speaks(case))
    with tempfile.TemporaryDirectory(prefix="ivr-flowtest-") as folder, \
            TestServer(flows_dir, Path(folder), speech=speaking > 0, prompts=mode) as server:
        problems = server.flow_errors() + [p for test in loaded for p in check_against_flows(test, server.catalog)]
        if problems:
            return Outcome(problems)
        results = [server.run(test, case) for test, case in wanted]
        if named:
            results = [replace(r, name=f"{r.name} [{mode}]") for r in results]
        return Outcome(results=results, notes=server.notes(speaking))


def speaks(case: Case) -> bool:
    """Does the caller answer by voice (`say:`, `wav:`, `dtmf:` over a stream) somewhere in this case?"""
    return any(item.startswith(("say:", "wav:", "dtmf:")) for item in case.press)


def _read_all(files: list[Path]) -> tuple[list[LoadedTest], list[Problem]]:
    if not files:
        return [], [Problem("", 1, 1, "no flow test files found")]
    loaded, problems = [], []
    for path in files:
        try:
            loaded.append(read_test_file(path))
        except FlowLoadError as exc:
            problems += exc.problems
    return loaded, problems


class TestServer:
    """The IVR in-process for one run; signed webhooks, API token, clock and http answers set per case."""

    __test__ = False  # not a pytest class

    def __init__(self, flows_dir: Path, folder: Path, speech: bool = False, prompts: str = "say"):
        self.clock = FakeClock()
        self.token, self.api_token = secrets.token_hex(16), secrets.token_hex(16)
        self.settings = Settings.from_env(
            {}, database_url=f"sqlite:///{folder / 'flowtest.sqlite3'}", flows_dir=Path(flows_dir),
            twilio_auth_token=self.token, api_token=self.api_token, reload_interval_s=0,
            recordings_dir=folder / "recordings", log_level="CRITICAL", speech="auto" if speech else "off",
            prompts=prompts, prompt_cache_dir=folder / "prompts")

    def __enter__(self) -> "TestServer":
        from ..web import create_app

        self.http = CaseFetcher()  # canned answers first, then this server's own URLs (never the network)
        self.app = create_app(self.settings, self.clock, fetcher=self.http, local_app=None, **in_process_overrides(self.settings))
        self.http.app = self.app
        await_prompt_warming()
        self.services = self.app.extensions["ivr"]
        self.transport, self.client = FlaskTransport(self.app), self.app.test_client()
        return self

    def __exit__(self, *exc) -> None:
        from speech.render_process import finish_warming

        finish_warming()  # the prompt cache lives in this run's folder: no warm-up may still write into it
        self.services.engine.dispose()

    @property
    def catalog(self):
        return self.services.catalog

    def notes(self, speaking: int) -> list[str]:
        """What the report says about speech: off, or on with the languages that listen and those that cannot."""
        if not speaking:
            return []
        speech = self.services.speech
        listening = ", ".join(sorted(speech.recognizers)) or "none"
        missing = [f"{key.split(':', 1)[1]} ({problem})" for key, problem in sorted(speech.problems.items())
                   if key.startswith("recognition:")]
        note = f"speech recognition on for this run ({speaking} case(s) speak): listening in {listening}"
        return [note + (f"; no model for {', '.join(missing)}" if missing else "")]

    def flow_errors(self) -> list[Problem]:
        return [p for problems in self.catalog.problems.values() for p in problems if p.severity == "error"]

    def run(self, loaded: LoadedTest, case: Case) -> CaseResult:
        defaults = loaded.test.defaults
        self.clock.current = case.at or defaults.at or FakeClock().now()
        fetcher = self.http.start_case(case.http)
        script = ScriptedCaller(case.press)
        options = CallOptions(from_number=caller(loaded, case), to_number=dialed(loaded, case, self.catalog),
                              auth_token=self.token, dial_status=case.dial_status or defaults.dial_status or "completed")
        free = self._staff_every_agent(case.agents_free_after_s)
        result = run_call(self.transport, caller=script, options=options, clock=self.clock, wait_for=self.clock.advance,
                          callbacks=CallbackPlayer.for_transport(self.transport, free))
        seen = self._observed(result, script.remaining)
        return CaseResult(loaded.path, case.name, judge(case, loaded.test.flow, seen), result.lines, fetcher.log)

    def _staff_every_agent(self, free_after_s: int | None = None):
        """Each case starts with every agent of agents.yaml available (answering as `dial_status` says); with
        `free_after_s` they start offline and the returned `free(seconds since the caller hung up)` makes them
        available once that long has passed (a caller who took a callback is called back then)."""
        presence = self.services.presence
        wanted = "available" if free_after_s is None else "offline"
        for agent in presence.agents():
            if agent["status"] not in ("reserved", "busy", wanted):
                presence.set_status(agent["id"], wanted)
        if free_after_s is None:
            return None

        def free(seconds: float) -> None:
            if seconds >= free_after_s:
                self._staff_every_agent()
        return free

    def _observed(self, result, unused: list[str]) -> Observed:
        reply = self.client.get(f"/api/calls/{result.call_sid}", headers={"Authorization": f"Bearer {self.api_token}"})
        call = reply.get_json() if reply.status_code == 200 else {}
        return Observed(said=result.said_texts, flow=call.get("flow", ""), node=call.get("node", ""),
                        variables=call.get("variables", {}), events=call.get("events", []), error=result.error,
                        script_problem=result.script_problem, unused=list(unused),
                        agent_heard=[e.said for e in result.entries if e.kind == "whisper" and e.said])
