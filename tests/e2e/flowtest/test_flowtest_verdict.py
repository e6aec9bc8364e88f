"""What a failing case says: each expectation compared with the call as the server kept it (pure)."""
from __future__ import annotations

import pytest

from ivr.flowtest.model import Case
from ivr.flowtest.verdict import Observed, judge

SAID = ["Connecting you to an agent.", "Thank you for calling. Goodbye."]


def case(**fields) -> Case:
    return Case.model_validate({"name": "a case", **fields})


def observed(**fields) -> Observed:
    return Observed(**{"said": SAID, "flow": "main", "node": "goodbye", **fields})


def test_a_call_that_matches_everything_passes():
    checks = case(hears=["an agent", "Goodbye"], not_hears=["busy"], ends_at="goodbye",
                  variables={"order_status": "delivered", "vip": True}, voicemail_s=0,
                  survey={"resolved": "yes", "satisfaction": 4})
    events = [{"kind": "survey_answer", "detail": {"question": "resolved", "answer": "yes"}},
              {"kind": "survey_answer", "detail": {"question": "satisfaction", "answer": 4}}]
    seen = observed(variables={"order_status": "delivered", "vip": "true"}, events=events)
    assert judge(checks, "main", seen) == []


@pytest.mark.parametrize("fields, seen, failure", [
    ({"hears": ["Goodbye", "agent"]}, {}, "never heard 'agent' after 'Goodbye' (it was heard, but before that)"),
    ({"not_hears": ["goodbye"]}, {}, "heard 'goodbye', which must not be said, in: 'Thank you for calling. Goodbye.'"),
    ({"ends_at": "survey"}, {}, "ended at node 'goodbye', expected 'survey'"),
    ({"variables": {"eta": "2026-03-02"}}, {}, "variable eta is not set, expected '2026-03-02'"),
    ({"variables": {"order_status": "delivered"}}, {"variables": {"order_status": "preparing"}},
     "variable order_status is 'preparing', expected 'delivered'"),
    ({"voicemail_s": 12}, {}, "no voicemail was kept, expected one of 12 s"),
    ({"voicemail_s": 0}, {"events": [{"kind": "voicemail_recorded", "detail": {"duration_s": 9}}]},
     "a voicemail of 9 s was kept, expected none"),
    ({"survey": {"resolved": "yes"}}, {}, "survey question resolved was not asked, expected answer 'yes'"),
    ({"survey": {"resolved": None}}, {"events": [{"kind": "survey_answer", "detail": {"question": "resolved",
                                                                                     "answer": "no"}}]},
     "survey question resolved was answered 'no', expected (skipped)"),
    ({"hears": ["x"]}, {"error": "HTTP 500 from http://localhost/voice", "said": ["x"]},
     "the call failed: HTTP 500 from http://localhost/voice"),
    ({"hears": ["x"]}, {"unused": ["1", "2"], "said": ["x"]}, "the call ended with 2 `press` item(s) unused: '1', '2'"),
    ({"hears": ["x"]}, {"flow": "sales", "said": ["x"]}, "the call was answered by flow 'sales', not 'main'"),
])
def test_each_difference_is_said_plainly(fields, seen, failure):
    assert judge(case(**fields), "main", observed(**seen)) == [failure]
