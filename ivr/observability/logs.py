"""Log lines: one JSON object per line (LOG_FORMAT=json) or human lines, each carrying the call it is about.

While a request is handled, the web hooks keep its CallSid, node and request id in `flask.g`; the filter
on our handler copies them onto every record, whichever logger wrote it.
"""
from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone

from flask import g, has_request_context

CONTEXT = ("call_sid", "node", "request_id")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s%(context)s: %(message)s"
_handler: logging.Handler | None = None


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a line is written (test runners and CLIs swap it)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


class RequestContextFilter(logging.Filter):
    """Copies the call and request a line was logged for onto the record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = g.get("log_context", {}) if has_request_context() else {}
        for name in CONTEXT:
            setattr(record, name, context.get(name))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO-8601 UTC), level, logger, message, call_sid, node, request_id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage(),
                **{name: getattr(record, name, None) for name in CONTEXT}}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Human lines; a line logged for a call says which: `[CA... node=menu request=...]`."""

    def __init__(self):
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        record.context = _context_text(record)
        return super().format(record)


def _context_text(record: logging.LogRecord) -> str:
    parts = [getattr(record, "call_sid", None) or ""]
    parts += [f"{name}={value}" for name in ("node", "request_id") if (value := getattr(record, name, None))]
    text = " ".join(p for p in parts if p)
    return f" [{text}]" if text else ""


def formatter_for(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else TextFormatter()


def configure_logging(level: str, log_format: str) -> None:
    """Once per process: our stderr handler on the root logger, in the format asked for.

    Called by every create_app: the handler is added once and its format and the level are updated.
    A root logger someone else set up first (a test runner, gunicorn's --log-config) is left to them.
    """
    global _handler
    root = logging.getLogger()
    if _handler is None and root.handlers:
        return
    if _handler is None:
        _handler = StderrHandler()
        _handler.addFilter(RequestContextFilter())
    if _handler not in root.handlers:
        root.addHandler(_handler)
    _handler.setFormatter(formatter_for(log_format))
    root.setLevel(level)
