"""What ends a simulated call abnormally: something Twilio itself would report as an application error."""
from __future__ import annotations


class ProtocolError(Exception):
    """The server broke the webhook contract: an HTTP error, a wrong content type, invalid TwiML, a loop."""


class Forbidden(ProtocolError):
    """The server refused the request's X-Twilio-Signature (HTTP 403)."""


class CallerHungUp(Exception):
    """The simulated caller ended the call (script ran out, or `q` at the terminal)."""


class ScriptMismatch(CallerHungUp):
    """The script's next item does not fit what Twilio asks for (a recording where keys are gathered)."""
