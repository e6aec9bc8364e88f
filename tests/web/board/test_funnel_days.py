"""The funnel's per-day summaries (ivr/board/funnel_days.py) against the event-log query, on SQLite and
PostgreSQL: the scripted calls of funnel_script.py, plus a Tuesday caller still in the language menu. Summarised,
half-summarised and live periods must give exactly the figures of the log; days with a call going stay live."""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from funnel_script import CALLS, SEOUL, Caller, ScriptedSpeech, expected
from helpers import TOKEN, TwilioClient, new_call_sid, twilio_params
from sqlalchemy import func, select, update

from ivr.board.tables import FunnelDayRow, FunnelSpanRow, FunnelSummarisedRow, FunnelTimeRow
from ivr.clock import FakeClock
from ivr.config import Settings
from ivr.web import create_app

FLOWS = Path(__file__).resolve().parents[3] / "flows"
PERIODS = [("2026-03-01", "2026-03-01"), ("2026-03-02", "2026-03-02"), ("2026-03-03", "2026-03-03"),
           ("2026-03-01", "2026-03-03"), ("2026-02-25", "2026-03-10")]
WEDNESDAY = datetime(2026, 3, 3, 20, 0, tzinfo=timezone.utc)  # 05:00 in Seoul: Tuesday is over, its caller quiet 19 h
TABLES = (FunnelDayRow, FunnelSpanRow, FunnelTimeRow, FunnelSummarisedRow)


@pytest.fixture
def center(database_url):
    """The scripted calls, and a caller who started on Tuesday 10:00 (Seoul), chose a language and is still in
    the main menu; the clock then stands on Wednesday early morning. Yields (app, clock, the going call's sid, twilio)."""
    settings = Settings.from_env({}, database_url=database_url, flows_dir=FLOWS, twilio_auth_token=TOKEN,
                                 api_token="api-token", speech="off", prompts="say", log_level="WARNING")
    speech, clock = ScriptedSpeech(), FakeClock()
    app = create_app(settings, clock, speech=speech)
    twilio = TwilioClient(app.test_client())
    caller = Caller(twilio, clock, speech)
    for call in CALLS:
        caller.call(call)
    going = new_call_sid()
    clock.current = datetime(2026, 3, 3, 10, 0, tzinfo=SEOUL).astimezone(timezone.utc)
    assert twilio.start(going).status_code == 200
    clock.advance(3)
    assert twilio.press(going, "choose_language/choose", "1").status_code == 200
    clock.current = WEDNESDAY
    yield app, clock, going, twilio
    app.extensions["ivr"].engine.dispose()


def _funnels(service, live: bool = False) -> dict:
    ask = service.funnel_live if live else service.funnel
    return {period: ask("main", *period) for period in PERIODS}


def _counts(service) -> tuple:
    with service._uow() as uow:
        return tuple(uow.session.scalar(select(func.count()).select_from(table)) for table in TABLES)


def _summarised(service) -> set[str]:
    with service._uow() as uow:
        return set(uow.session.scalars(select(FunnelSummarisedRow.day)))


def test_summarised_days_give_exactly_the_figures_of_the_event_log(center):
    app, *_ = center
    service = app.extensions["ivr"].funnel
    reference = _funnels(service, live=True)
    assert service.rebuild("main") == (2, 1)  # Sunday and Monday; Tuesday has a call going
    assert _summarised(service) == {"2026-03-01", "2026-03-02"}
    assert _funnels(service) == reference
    monday = service.funnel("main", "2026-03-02", "2026-03-02")["nodes"]
    assert {n: f for n, f in monday.items() if f["entries"]} == expected(CALLS, date(2026, 3, 2), date(2026, 3, 2))


def test_the_api_answers_from_the_summaries(center):
    app, *_ = center
    service = app.extensions["ivr"].funnel
    service.rebuild("main")
    api = app.test_client()
    reply = api.get("/api/flows/main/funnel?from=2026-03-01&to=2026-03-03", headers={"Authorization": "Bearer api-token"})
    assert reply.status_code == 200
    assert reply.get_json() == service.funnel_live("main", "2026-03-01", "2026-03-03")


def test_a_day_with_a_call_going_stays_live_until_the_call_ends(center):
    app, clock, going, twilio = center
    service = app.extensions["ivr"].funnel
    service.rebuild("main")
    tuesday = service.funnel("main", "2026-03-03", "2026-03-03")["nodes"]
    assert tuesday["main_menu"]["exits"] == {"active": 1} and tuesday["main_menu"]["median_s"] is None
    assert twilio.post("/voice/status", twilio_params(going, CallStatus="completed", CallDuration="9")).status_code in (200, 204)
    reference = _funnels(service, live=True)
    assert reference[("2026-03-03", "2026-03-03")]["nodes"]["main_menu"]["exits"] == {"hangup": 1}
    service.days._last_run = float("-inf")
    service.job()
    assert _summarised(service) == {"2026-03-01", "2026-03-02", "2026-03-03"}
    assert _funnels(service) == reference


def test_the_timer_job_summarises_only_days_that_are_over(center):
    app, clock, *_ = center
    service = app.extensions["ivr"].funnel
    clock.current = datetime(2026, 3, 2, 12, 0, tzinfo=SEOUL).astimezone(timezone.utc)  # Monday noon
    service.job()
    assert _summarised(service) == {"2026-03-01"}
    service.job()  # at most once a minute: nothing more yet
    clock.current = WEDNESDAY
    assert _summarised(service) == {"2026-03-01"}
    service.days._last_run = float("-inf")
    service.job()
    assert _summarised(service) == {"2026-03-01", "2026-03-02"}


def test_rebuilding_twice_gives_the_same_rows_and_figures(center):
    app, *_ = center
    service = app.extensions["ivr"].funnel
    service.rebuild("main")
    rows, figures = _counts(service), _funnels(service)
    assert rows[0] > 0 and rows[2] > 0
    assert service.rebuild("main") == (2, 1)
    assert service.rebuild("main", "2026-03-02", "2026-03-02") == (1, 0)
    assert (_counts(service), _funnels(service)) == (rows, figures)


def test_summaries_of_another_time_zone_or_rules_are_not_read(center):
    app, *_ = center
    service = app.extensions["ivr"].funnel
    reference = service.funnel_live("main", "2026-03-02", "2026-03-02")
    service.rebuild("main")
    with service._uow() as uow:  # spoil Monday's rows: the funnel now shows what the summaries say
        uow.session.execute(update(FunnelDayRow).where(FunnelDayRow.day == "2026-03-02", FunnelDayRow.node == "welcome")
                            .values(visits=999))
        uow.commit()
    assert service.funnel("main", "2026-03-02", "2026-03-02")["nodes"]["welcome"]["entries"] == 999
    for change in ({"timezone": "UTC"}, {"rules": 0}):
        with service._uow() as uow:
            uow.session.execute(update(FunnelSummarisedRow).values(**change))
            uow.commit()
        assert service.funnel("main", "2026-03-02", "2026-03-02") == reference
        service.rebuild("main")  # and the job or a rebuild redoes them from the log
        assert service.funnel("main", "2026-03-02", "2026-03-02") == reference


def test_ivr_funnel_rebuild_says_what_it_did(center, database_url):
    from click.testing import CliRunner

    from ivr.cli.main import main

    env = {"DATABASE_URL": database_url, "FLOWS_DIR": str(FLOWS), "LOG_LEVEL": "WARNING"}
    done = CliRunner().invoke(main, ["funnel", "main", "--rebuild", "--from", "2026-03-01", "--to", "2026-03-02"], env=env)
    assert done.exit_code == 0, done.output
    assert "2 day(s) summarised, 0 left" in done.output
    refused = CliRunner().invoke(main, ["funnel", "nope", "--rebuild"], env=env)
    assert refused.exit_code == 1 and "no flow named 'nope'" in refused.output
