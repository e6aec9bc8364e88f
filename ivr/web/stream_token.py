"""Media-stream tokens: every <Stream> URL carries one, bound to its call and node, short-lived and single-use.

A token is `payload.mac`: the payload names the call, the node, the expiry and a nonce; the MAC is an HMAC with
the server secret, so any worker on any host can check it. Single use is a row in the call's event log, written
under the call's row lock, so a captured handshake cannot be replayed on this or another server.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass

from ..flow.state import JournalEntry
from ..service import TERMINAL_STATUSES

log = logging.getLogger(__name__)
TOKEN_TTL_S = 120  # Twilio opens the stream after the menu's prompt: long enough for that, no longer
MAX_TOKEN_CHARS = 1024
OPENED = "speech_stream_opened"


class BadStreamToken(Exception):
    """A stream token that is forged, malformed, expired, used, or names a call that cannot listen now."""


@dataclass(frozen=True)
class StreamGrant:
    """What a valid token allows: one stream of `call_sid` at `node`."""

    call_sid: str
    node: str
    expires_at: int  # unix seconds
    nonce: str


class StreamTokens:
    """Issues and admits stream tokens; `clock` gives the time, `secret` is shared by every worker."""

    def __init__(self, secret: bytes, clock, ttl_s: int = TOKEN_TTL_S):
        self.secret, self.clock, self.ttl_s = secret, clock, ttl_s

    def issue(self, call_sid: str, node: str) -> str:
        expires_at = int(self.clock.now().timestamp()) + self.ttl_s
        body = json.dumps([call_sid, node, expires_at, secrets.token_hex(8)], separators=(",", ":"), ensure_ascii=False)
        payload = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")
        return f"{payload}.{self._mac(payload)}"

    def read(self, token: str) -> StreamGrant:
        """The grant a token carries, if its MAC is ours and it has not expired (not yet marked used)."""
        payload, _, mac = (token or "")[:MAX_TOKEN_CHARS].partition(".")
        if not mac or not hmac.compare_digest(mac, self._mac(payload)):
            raise BadStreamToken("not signed by this server")
        try:
            call_sid, node, expires_at, nonce = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except (binascii.Error, ValueError, TypeError):
            raise BadStreamToken("malformed") from None
        if int(self.clock.now().timestamp()) > expires_at:
            raise BadStreamToken(f"expired for call {call_sid}")
        return StreamGrant(str(call_sid), str(node), int(expires_at), str(nonce))

    def admit(self, token: str, uow) -> StreamGrant:
        """Read the token and mark it used, if its call is live and still at its node; raises BadStreamToken."""
        grant = self.read(token)
        with uow() as work:
            row = work.calls.get(grant.call_sid, lock=True)
            _check_call(row, grant)
            events = work.calls.with_events(grant.call_sid).events
            if any(e.kind == OPENED and (e.detail or {}).get("nonce") == grant.nonce for e in events):
                raise BadStreamToken(f"already used for call {grant.call_sid}")
            work.calls.log(row, [JournalEntry(self.clock.now(), OPENED, grant.node, {"nonce": grant.nonce})])
            work.commit()
        return grant

    def _mac(self, payload: str) -> str:
        digest = hmac.new(self.secret, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _check_call(row, grant: StreamGrant) -> None:
    if row is None:
        raise BadStreamToken(f"call {grant.call_sid} is unknown")
    if row.ended_at is not None or row.status in TERMINAL_STATUSES or row.flow_ended:
        raise BadStreamToken(f"call {grant.call_sid} has ended")
    if row.node != grant.node:
        raise BadStreamToken(f"call {grant.call_sid} has moved on from {grant.node}")

