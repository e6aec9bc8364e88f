"""Synthetic callers for the speech benchmark: the Korean menu spoken by several espeak-ng voices and
rates, carried over a telephone line with and without noise."""
from __future__ import annotations

from dataclasses import dataclass

from speech.audio import Audio, from_ulaw, silence
from speech.model import Voice
from speech.telephone_band import over_the_line

MENU = {"delivery": ["배송 조회"], "billing": ["요금"], "support": ["기술 지원"], "agent": ["상담원 연결"]}
GRAMMAR = [p for phrases in MENU.values() for p in phrases]
VARIANTS = ["", "f1", "f3", "m1", "m3"]
RATES_WPM = [130, 175, 220]
SNR_DB = {"clean": None, "20 dB SNR": 20.0}
# Sentences to build long utterances from (free speech with the menu words in it).
FILLER = ["안녕하세요 배송 조회를 하고 싶습니다", "요금이 얼마인지 알려 주세요", "기술 지원 부서와 상담원 연결 부탁드립니다"]


@dataclass(frozen=True)
class Utterance:
    option: str
    voice: Voice
    audio: Audio  # 8 kHz, as rendered

    def on_the_line(self, snr_db: float | None, seed: int) -> Audio:
        return from_ulaw(over_the_line(silence(0.3) + self.audio + silence(0.5), snr_db, seed))


def menu_utterances(synthesizer) -> list[Utterance]:
    return [
        Utterance(option, voice, synthesizer.render(phrases[0], voice))
        for option, phrases in MENU.items()
        for voice in (Voice("ko", v, r) for v in VARIANTS for r in RATES_WPM)
    ]


def speech_of_length(synthesizer, seconds: float) -> Audio:
    """Korean speech at least `seconds` long, cut to exactly that, ending in speech."""
    pieces = [synthesizer.render(text, Voice("ko")) for text in FILLER]
    audio = Audio(b"", 8000)
    while audio.duration_s < seconds:
        for piece in pieces:
            audio = audio + piece + silence(0.2)
    return from_ulaw(over_the_line(Audio(audio.pcm[: int(seconds * 8000) * 2], 8000)))
