"""The menu the speech tests speak and recognise, and small helpers shared by the test modules."""
from __future__ import annotations

from speech.audio import Audio, from_ulaw
from speech.model import Voice

MENU = {
    "delivery": ["배송 조회"],
    "billing": ["요금"],
    "support": ["기술 지원"],
    "agent": ["상담원 연결"],
}
GRAMMAR = [phrase for phrases in MENU.values() for phrase in phrases]
KOREAN = Voice("ko", rate_wpm=175)


def heard(ulaw: bytes) -> Audio:
    """μ-law from the line decoded, as the IVR hands it to the recognizer."""
    return from_ulaw(ulaw)
