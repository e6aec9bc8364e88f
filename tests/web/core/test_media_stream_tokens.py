"""A media stream is bound to its call: the <Stream> URL's token opens one stream, once, for that call at that
node, before it expires; a captured handshake cannot be replayed and cannot speak for another call."""
from __future__ import annotations

import logging

from helpers import said, twilio_params, twiml
from stream_client import BILLING, BYE, RawStream, call_at_menu, dtmf_message, start_message, streaming  # noqa: F401

from ivr.web.stream_token import TOKEN_TTL_S


def _answer(twilio, sid: str):
    return said(twiml(twilio.post("/voice/speech?node=menu&via=stream", twilio_params(sid))))


def test_a_key_over_the_tokened_stream_is_the_menus_answer(streaming):
    _, twilio, server = streaming
    call = call_at_menu(twilio)
    stream = RawStream(server, call.url)
    assert stream.status == 101
    stream.send(start_message(call.sid))
    stream.send(dtmf_message("1"))
    assert stream.server_close()[0] == 1000
    assert _answer(twilio, call.sid) == [BILLING]


def test_each_answer_names_a_new_token(streaming):
    _, twilio, _ = streaming
    first, second = call_at_menu(twilio), call_at_menu(twilio)
    assert first.url.startswith("ws://localhost/voice/stream/") and second.url.startswith("ws://localhost/voice/stream/")
    assert first.url != second.url


def test_a_replayed_handshake_is_refused_with_a_log_line(streaming, caplog):
    _, twilio, server = streaming
    call = call_at_menu(twilio)
    first = RawStream(server, call.url)
    first.send(start_message(call.sid))
    with caplog.at_level(logging.WARNING, logger="ivr.web.media_stream"):
        replay = RawStream(server, call.url)  # the same URL and the same signature Twilio sent
    assert (first.status, replay.status) == (101, 403)
    assert f"media stream refused (already used for call {call.sid})" in caplog.text
    assert "/voice/stream/" not in caplog.text  # the token itself stays out of the log
    first.close()


def test_a_token_of_one_call_cannot_answer_for_another(streaming, caplog):
    _, twilio, server = streaming
    victim, attacker = call_at_menu(twilio), call_at_menu(twilio)
    stream = RawStream(server, attacker.url)
    assert stream.status == 101
    with caplog.at_level(logging.WARNING, logger="ivr.web.media_stream"):
        stream.send(start_message(victim.sid))
        stream.send(dtmf_message("0"))
        code, _ = stream.server_close()
    assert code == 1008
    assert f"its token is for call {attacker.sid} at menu, its start names call {victim.sid}" in caplog.text
    assert BYE not in _answer(twilio, victim.sid)


def test_a_token_for_another_node_is_refused_at_start(streaming):
    _, twilio, server = streaming
    call = call_at_menu(twilio)
    stream = RawStream(server, call.url)
    stream.send(start_message(call.sid, node="billing"))
    stream.send(dtmf_message("1"))
    assert stream.server_close()[0] == 1008
    assert BILLING not in _answer(twilio, call.sid)


def test_an_expired_token_is_refused(streaming, clock, caplog):
    _, twilio, server = streaming
    call = call_at_menu(twilio)
    clock.advance(TOKEN_TTL_S + 1)
    with caplog.at_level(logging.WARNING, logger="ivr.web.media_stream"):
        assert RawStream(server, call.url).status == 403
    assert f"expired for call {call.sid}" in caplog.text


def test_a_token_of_an_ended_call_is_refused(streaming):
    _, twilio, server = streaming
    call = call_at_menu(twilio)
    assert twilio.post("/voice/status", twilio_params(call.sid, CallStatus="completed", CallDuration="3")).status_code == 204
    assert RawStream(server, call.url).status == 403


def test_a_token_altered_by_one_character_is_refused(streaming):
    _, twilio, server = streaming
    url = call_at_menu(twilio).url
    forged = url[:-1] + ("A" if url[-1] != "A" else "B")
    assert RawStream(server, forged).status == 403


def test_the_old_constant_stream_url_opens_nothing(streaming):
    _, _, server = streaming
    assert RawStream(server, "ws://localhost/voice/stream").status == 404
