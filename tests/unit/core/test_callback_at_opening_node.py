"""The enqueue node's callback_at_opening: accepted alone, refused with targets it would never reach (pure)."""
from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from ivr.flow.nodes import EnqueueNode


def test_callback_at_opening_is_accepted_without_next():
    node = TypeAdapter(EnqueueNode).validate_python({"kind": "enqueue", "queue": "general", "callback_at_opening": True})
    assert node.callback_at_opening is True


@pytest.mark.parametrize("extra", [{"next": "survey"}, {"on_overflow": "voicemail"}, {"record": "agent_leg"}])
def test_callback_at_opening_refuses_what_would_never_be_reached(extra):
    with pytest.raises(ValidationError, match="callback_at_opening: the caller hangs up"):
        TypeAdapter(EnqueueNode).validate_python({"kind": "enqueue", "queue": "general", "callback_at_opening": True, **extra})
