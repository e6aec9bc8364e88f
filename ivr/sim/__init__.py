"""The call simulator: plays Twilio's part against the IVR, over HTTP or in-process, for people and tests."""
from __future__ import annotations

from .caller import ScriptedCaller, TerminalCaller, parse_digits
from .errors import ProtocolError
from .runner import CallOptions, SimulatedCall, run_call
from .transcript import CallResult, Entry
from .transport import Answer, FlaskTransport, HttpTransport, Transport

__all__ = [
    "Answer", "CallOptions", "CallResult", "Entry", "FlaskTransport", "HttpTransport", "ProtocolError",
    "ScriptedCaller", "SimulatedCall", "TerminalCaller", "Transport", "parse_digits", "run_call",
]
