"""Send a waiting caller out of its queue at once (a REST redirect to its Enqueue action), and place a callback's
call, through the outbound port."""
from __future__ import annotations

from urllib.parse import urlencode

from .outbound.ports import OutboundCall

LEFT_PATH = "/voice/queue/left"  # the Enqueue action (ivr/web/queue_twiml.py); Twilio then asks it what follows
CALLBACK_PATH = "/voice/queue/callback"  # + /agent or /caller (the answered leg's TwiML), /status (its status callback)


def left_path(node: str) -> str:
    return f"{LEFT_PATH}?{urlencode({'node': node})}"


class QueueExit:
    """The queue service's view of Twilio: move a caller it has connected or overflowed out of the queue
    (`leave_queue`), and ask whether a caller's call is still up (`call_status`, for callers gone unheard)."""

    def __init__(self, telephony):
        self.telephony = telephony

    def leave_queue(self, call_sid: str, node: str) -> bool:
        """Point the waiting call at its Enqueue action now; on failure the next wait-URL request does it."""
        return self.telephony.redirect(call_sid, left_path(node))

    def place_callback(self, entry_id: int, to: str, from_: str, leg: str, timeout_s: int) -> str | None:
        """Call `to` (the agent, or the caller: `leg`) for queue entry `entry_id`'s callback; its CallSid or None."""
        query = urlencode({"entry": entry_id})
        call = OutboundCall(to=to, from_=from_, url=f"{CALLBACK_PATH}/{leg}?{query}",
                            status_callback=f"{CALLBACK_PATH}/status?{query}", timeout_s=timeout_s)
        return self.telephony.place_call(call)

    def call_status(self, call_sid: str) -> str | None:
        """Twilio's CallStatus of the call, or None when it cannot say."""
        return self.telephony.call_status(call_sid)
