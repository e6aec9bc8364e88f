"""Call state in a real database (SQLite and PostgreSQL): restarts, flow versions, migrations."""
from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace

from helpers import TwilioClient, new_call_sid, said, twiml
from sqlalchemy import inspect, select

from ivr.db import make_engine
from ivr.tables import CallEventRow, FlowVersionRow
from ivr.web import create_app

ORDER_PROMPT_EN = "Please enter your order number, then press pound."


def boot(settings, clock):
    app = create_app(settings, clock)
    return app, TwilioClient(app.test_client())


def test_a_server_restarted_mid_call_continues_where_the_call_was(settings, database_url, clock):
    settings = replace(settings, database_url=database_url)
    first, twilio = boot(settings, clock)
    sid = new_call_sid()
    twilio.start(sid)
    twilio.press(sid, "choose_language/choose", "2")
    first.extensions["ivr"].engine.dispose()

    second, twilio = boot(settings, clock)  # a new process: nothing in memory
    root = twiml(twilio.press(sid, "main_menu", "1"))
    assert said(root) == [ORDER_PROMPT_EN]
    root = twiml(twilio.press(sid, "order_number", "987654"))
    assert said(root)[0] == "Order number 9 8 7 6 5 4 was delivered on March 2, 2026."
    second.extensions["ivr"].engine.dispose()


def test_a_call_keeps_the_flow_version_it_started_on(settings, database_url, clock, tmp_path):
    flows = tmp_path / "flows"
    shutil.copytree(settings.flows_dir, flows)
    settings = replace(settings, database_url=database_url, flows_dir=flows)
    first, twilio = boot(settings, clock)
    sid = new_call_sid()
    twilio.start(sid)
    twilio.press(sid, "choose_language/choose", "2")
    old_version = first.extensions["ivr"].catalog.current["main"].flow.version
    first.extensions["ivr"].engine.dispose()

    main = flows / "main.yaml"
    main.write_text(main.read_text().replace("Please enter your order number", "Type the order number"))
    second, twilio = boot(settings, clock)  # restarted on the edited file
    assert second.extensions["ivr"].catalog.current["main"].flow.version != old_version
    assert said(twiml(twilio.press(sid, "main_menu", "1"))) == [ORDER_PROMPT_EN]

    other = new_call_sid()
    twilio.start(other)
    twilio.press(other, "choose_language/choose", "2")
    assert said(twiml(twilio.press(other, "main_menu", "1"))) == ["Type the order number, then press pound."]
    with second.extensions["ivr"].uow() as uow:
        stored = uow.session.scalars(select(FlowVersionRow.version)).all()
        logged = set(uow.session.scalars(select(CallEventRow.flow_version)).all())
    # choose_language (unchanged), main before and main after the edit: every version served is kept
    assert old_version in stored and len(stored) == 3 and old_version in logged
    second.extensions["ivr"].engine.dispose()


def test_migrations_run_once_when_several_processes_start_together(database_url):
    script = "import sys; from ivr.db import make_engine, upgrade; upgrade(make_engine(sys.argv[1]))"
    procs = [subprocess.Popen([sys.executable, "-c", script, database_url], stderr=subprocess.PIPE) for _ in range(3)]
    errors = [p.communicate(timeout=60)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], errors
    engine = make_engine(database_url)
    assert {"calls", "call_events", "flow_versions", "alembic_version"} <= set(inspect(engine).get_table_names())
    engine.dispose()
