"""When the server ends a media stream, the TCP connection ends at once (a caller never sits in silence while
Twilio waits for it), under werkzeug's threaded server like `python app.py`; oversized messages are refused."""
from __future__ import annotations

import pytest
from stream_client import RawStream, call_at_menu, dtmf_message, start_message, streaming  # noqa: F401

from ivr.web.media_stream import MAX_MESSAGE_BYTES

PROMPT_CLOSE_S = 3.0  # the server gives the client 0.5 s to answer Close; the rest is margin for a busy machine (the bug was 10 s)


@pytest.mark.parametrize("attempt", range(10))
def test_after_an_answer_the_client_sees_tcp_end_within_a_second(streaming, attempt):
    _, twilio, server = streaming
    call = call_at_menu(twilio)
    stream = RawStream(server, call.url)
    stream.send(start_message(call.sid))
    stream.send(dtmf_message("1"))
    code, seconds = stream.server_close(answer=True)
    assert code == 1000 and seconds < PROMPT_CLOSE_S


def test_a_client_that_never_answers_close_is_cut_off_promptly(streaming):
    _, twilio, server = streaming
    call = call_at_menu(twilio)
    stream = RawStream(server, call.url)
    stream.send(start_message(call.sid))
    stream.send(dtmf_message("1"))
    code, seconds = stream.server_close(answer=False)
    assert code == 1000 and seconds < PROMPT_CLOSE_S


@pytest.mark.parametrize("attempt", range(10))  # the race this guards against struck about one run in five
def test_an_oversized_message_is_refused_with_1009_and_the_connection_ends(streaming, attempt):
    _, twilio, server = streaming
    call = call_at_menu(twilio)
    stream = RawStream(server, call.url)
    stream.send(start_message(call.sid))
    stream.send("x" * (MAX_MESSAGE_BYTES + 1))
    code, seconds = stream.server_close(answer=True)
    assert code == 1009 and seconds < PROMPT_CLOSE_S
