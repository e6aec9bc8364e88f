"""Fuzzing every Twilio-facing route (signed with the test token) and the JSON API (with the bearer token), on
SQLite and PostgreSQL: whatever arrives, the answer is valid TwiML or JSON, never a 5xx, never a traceback, an
exception class name or a path of the server's files."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from urllib.parse import quote, urlencode

import pytest
from helpers import TOKEN, new_call_sid
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from twilio.request_validator import RequestValidator

from ivr.config import PROJECT_ROOT
from ivr.web import create_app

EXAMPLES = 25  # per route (Twilio) or per test (API), on each database: the suite stays fast
FUZZ = hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
VOICE_PATHS = ["/voice", "/voice/step", "/voice/dial", "/voice/speech", "/voice/record", "/voice/recording-status",
               "/voice/status", "/voice/queue/wait", "/voice/queue/left", "/voice/queue/dialed", "/voice/whisper",
               "/voice/nope"]
FIELDS = ["CallSid", "CallStatus", "Digits", "From", "To", "DialCallStatus", "DialCallDuration", "RecordingUrl",
          "RecordingDuration", "RecordingSid", "RecordingStatus", "QueueResult", "CallDuration", "SequenceNumber",
          "SpeechResult", "Confidence"]
NUMBER = st.sampled_from(["1", "7", "2147483647", "2147483648", "99999999999999999999"])
ODD = st.sampled_from(["", "²", "١٢", "\x00", "1\x002", "99999999999999999999", "2147483648", "-1", "0", "in-progress",
                       "completed", "%00", "<x>", "' OR 1=1 --", "../../etc/passwd", "1" * 300])
VALUE = st.one_of(ODD, NUMBER, st.text(max_size=40), st.integers(min_value=-2**70, max_value=2**70).map(str))
ALGORITHMS = st.sampled_from([None, "HMAC_SHA1", "HMAC_SHA256", "HMAC_MD5", "", "algorithm"])
LEAKS = re.compile(r"Traceback|\b[A-Z][A-Za-z]*(Error|Exception)\b|File \"|/tmp/|" + re.escape(str(PROJECT_ROOT)))


@pytest.fixture
def client(settings, clock, database_url, caplog):
    app = create_app(replace(settings, database_url=database_url), clock)
    yield Faultless(app.test_client(), caplog)
    app.extensions["ivr"].engine.dispose()


class Faultless:
    """The test client, asserting after each request that nothing was logged as an error (a fault's traceback)."""

    def __init__(self, client, caplog):
        self.client, self.caplog = client, caplog

    def get(self, *args, **kwargs):
        return self._checked(self.client.get, *args, **kwargs)

    def post(self, *args, **kwargs):
        return self._checked(self.client.post, *args, **kwargs)

    def _checked(self, send, *args, **kwargs):
        self.caplog.clear()
        response = send(*args, **kwargs)
        faults = [r.getMessage() for r in self.caplog.records if r.levelname in ("ERROR", "CRITICAL") or r.exc_info]
        assert faults == [], (args, faults)
        return response


def _form(values: dict, sid: str | None) -> dict:
    form = {k: v for k, v in values.items() if k in FIELDS}
    if sid is not None:
        form["CallSid"] = sid
    return form


@pytest.mark.parametrize("path", VOICE_PATHS)
@FUZZ
@given(query=st.dictionaries(st.sampled_from(["node", "entry", "via"]), VALUE, min_size=1, max_size=3),
       values=st.dictionaries(st.sampled_from(FIELDS), VALUE, max_size=8), good_sid=st.booleans(), algorithm=ALGORITHMS)
def test_twilio_routes_answer_twiml_whatever_they_are_sent(client, path, query, values, good_sid, algorithm):
    target = path + (f"?{urlencode(query)}" if query else "")
    form = _form(values, new_call_sid() if good_sid else None)
    headers = {}
    if algorithm is not None:
        headers["X-Twilio-Webhooks-Signature-Settings"] = f"key=k1,algorithm={algorithm}"
    usable = algorithm in (None, "HMAC_SHA1", "HMAC_SHA256")
    headers["X-Twilio-Signature"] = RequestValidator(TOKEN).compute_signature(
        "http://localhost" + target, form, algorithm if usable else None)
    response = client.post(target, data=form, headers=headers)
    _check_twiml(response)


def _check_twiml(response) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code < 500, body
    assert not LEAKS.search(body), body
    if response.status_code in (204, 403) and response.mimetype != "text/xml":
        assert body in ("", "invalid signature\n")
        return
    assert response.mimetype == "text/xml" and ET.fromstring(response.get_data()).tag == "Response"


SEGMENT = VALUE.map(lambda v: quote(v, safe=""))
API_GETS = st.one_of(  # noqa: E131
    st.builds(lambda q: "/api/calls?" + urlencode(q), st.dictionaries(st.sampled_from(["limit", "offset", "status"]), VALUE, max_size=3)),
    st.builds("/api/calls/{}".format, SEGMENT), st.builds("/api/agents/{}".format, SEGMENT),
    st.builds(lambda n, q: f"/api/queues/{n}/stats?" + urlencode(q), st.sampled_from(["billing", "general", "nope"]),
              st.dictionaries(st.sampled_from(["hours", "interval"]), VALUE, max_size=2)),
    st.builds("/api/queues/{}/abandoned?hours={}".format, st.sampled_from(["billing", "nope"]), SEGMENT),
    st.builds("/api/queues/{}/assignments?limit={}&call_sid={}".format, st.sampled_from(["billing", "x"]), SEGMENT, SEGMENT),
    st.builds("/api/surveys/{}".format, SEGMENT), st.builds("/api/recordings?status={}&limit={}".format, SEGMENT, SEGMENT),
    st.builds("/api/recordings/{}/audio".format, st.one_of(NUMBER, SEGMENT)), st.builds("/api/{}".format, SEGMENT),
    st.sampled_from(["/api/flows", "/api/health", "/api/agents", "/api/queues", "/api/recordings"]),
)
JSON_VALUE = st.recursive(st.one_of(st.none(), st.booleans(), VALUE, st.integers(min_value=-2**80, max_value=2**80)),
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(VALUE, inner, max_size=3), max_leaves=8)
AGENT = st.fixed_dictionaries({}, optional={"id": VALUE, "name": JSON_VALUE, "contact": JSON_VALUE, "skills": JSON_VALUE,
                                            "status": JSON_VALUE})
POST_PATHS = {"agents": st.just("/api/agents"), "status": st.builds("/api/agents/{}/status".format, SEGMENT),
              "recording": st.builds("/api/recordings/{}".format, st.one_of(NUMBER, SEGMENT))}


@FUZZ
@given(path=API_GETS)
def test_the_api_answers_json_to_any_get(client, path):
    _check_json(client.get(path, headers={"Authorization": "Bearer api-token"}))


@pytest.mark.parametrize("kind", sorted(POST_PATHS))
@FUZZ
@given(data=st.data())
def test_the_api_answers_json_to_any_post(client, kind, data):
    path, body = data.draw(POST_PATHS[kind]), data.draw(st.one_of(AGENT, JSON_VALUE))
    _check_json(client.post(path, data=json.dumps(body), headers={"Authorization": "Bearer api-token"},
                            content_type="application/json"))


def _check_json(response) -> None:
    text = response.get_data(as_text=True)
    assert response.status_code < 500, text
    assert response.mimetype == "application/json", text
    json.loads(text)
    assert not LEAKS.search(text), text
