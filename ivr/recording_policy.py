"""Call recording policy: which calls are recorded (flow `record`, enqueue node `record`, queue `record`) and the
pause around sensitive gathers. Decided inside the webhook's unit of work; the REST pause/resume is carried out
by the outbound adapter after the commit (`carry_out`), before Twilio gets the TwiML that starts the gather."""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from recordings.capture import capture_moved, capture_started

from .flow.instructions import DialAgent, Gather, StartRecording
from .flow.nodes import EnqueueNode, GatherNode
from .outbound.ports import CURRENT_RECORDING

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordingMove:
    """Pause (`paused`) or resume (`in-progress`) the call's recording `recording_sid`."""

    status: str
    recording_sid: str = CURRENT_RECORDING


def sensitive_gather(flow, node: str) -> bool:
    found = flow.nodes.get(node)
    return isinstance(found, GatherNode) and found.sensitive


class RecordingPolicy:
    """Adds recording to a step's instructions and says whether the running recording must pause or resume."""

    def __init__(self, queue_config=lambda: None, rest=None):
        self.queue_config, self.rest = queue_config, rest  # () -> queues.yaml's config now; the outbound adapter

    def plan(self, uow, call_sid: str, flow, after: str, instructions: list, now, started: bool = False,
             capturing: bool = True):
        """(instructions with recording added, the RecordingMove to make after the commit or None).

        `capturing` False: the call's row, read in this transaction, said no recording of ours runs (no lookup)."""
        capture = uow.recordings.capture_of(call_sid) if capturing else None
        instructions, capture = self._recorded(uow, call_sid, flow, after, instructions, now, started, capture)
        return instructions, self._move(flow, after, instructions, capture, now)

    def _recorded(self, uow, call_sid, flow, node: str, instructions: list, now, started: bool, capture):
        wanted = "whole_call" if started and flow.record == "whole_call" else ""
        added = []
        for i in instructions:
            if isinstance(i, DialAgent):
                policy = self._queue_policy(flow, node)
                wanted = wanted or ("whole_call" if policy == "whole_call" else "")
                i = replace(i, record="agent_leg") if policy == "agent_leg" else i
            added.append(i)
        if wanted and capture is None:
            capture = capture_started(uow.recordings, call_sid, node, now)
            added.insert(0, StartRecording())
        return added, capture

    def _queue_policy(self, flow, node: str) -> str:
        found = flow.nodes.get(node)
        if not isinstance(found, EnqueueNode):
            return "none"
        if found.record is not None:
            return found.record
        config = self.queue_config()
        queue = config.queues.get(found.queue) if config is not None else None
        return queue.record if queue is not None else "none"

    @staticmethod
    def _move(flow, after: str, instructions: list, capture, now) -> RecordingMove | None:
        """Pause when a sensitive gather starts while recording; resume when the call is past it."""
        if capture is None:
            return None
        secret_now = sensitive_gather(flow, after) and any(isinstance(i, Gather) for i in instructions)
        if secret_now and capture.capture == "recording":
            status = "paused"
        elif not secret_now and capture.capture == "paused":
            status = "in-progress"
        else:
            return None
        capture_moved(capture, status, now)
        return RecordingMove(status, capture.recording_sid or CURRENT_RECORDING)

    def carry_out(self, call_sid: str, move: RecordingMove | None) -> None:
        if move is None:
            return
        if self.rest is None or not self.rest.update_recording(call_sid, move.status, move.recording_sid):
            # the caller's secret may be on the recording: say so loudly, an operator must look
            log.error("call %s: recording not set %s (no REST or Twilio refused)", call_sid, move.status)
