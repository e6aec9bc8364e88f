"""The evaluation set of bench/speech_eval.py: menu phrases, yes/no words and out-of-grammar sounds spoken
by every espeak-ng voice variant at several rates and pitches, carried over a degraded telephone line.

Renders are cached under bench/.cache/speech_eval/ (gitignored); the line conditions (noise, clipping,
packet loss) are applied on the fly with fixed seeds, so a run is repeatable. Needs espeak-ng and sox.
"""
from __future__ import annotations

import hashlib
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from speech.audio import audioop

RATE_HZ = 8000
CACHE = Path(__file__).resolve().parent / ".cache" / "speech_eval"
FLOWS = Path(__file__).resolve().parent.parent / "flows"
RATES_WPM = [120, 150, 175, 205, 240]
PITCHES = [30, 50, 70]
PHRASES_PER_VOICE = 3
LEAD_S, TRAIL_S = 0.4, 1.0  # the recording keeps the caller's trailing silence (how it knew they stopped)
YES_NO = {"1": ["네", "예", "응"], "2": ["아니요", "아니"]}  # ivr.flow.base.SpeechSettings' Korean words
OOG_SENTENCES = [
    "안녕하세요 날씨가 좋네요", "오늘 몇 시까지 영업하세요", "잘 모르겠어요", "여보세요 들리세요",
    "주소를 바꾸고 싶어요", "비밀번호를 잊어버렸어요", "그냥 전화해 봤어요", "잠깐만 기다려 주세요",
    "카드를 잃어버렸어요", "감사합니다 안녕히 계세요", "우리 아이가 아파요", "점심 뭐 먹을까",
]
CONDITIONS = ["clean", "white 30 dB", "white 20 dB", "white 10 dB", "pink 20 dB", "pink 10 dB",
              "babble 20 dB", "hum 20 dB", "clipping", "packet loss 5%"]
OOG_CONDITIONS = ["white 20 dB", "babble 20 dB"]
OTHER_CONDITIONS = [c for c in CONDITIONS if c not in ("clean", "white 20 dB")]


def conditions_of(n: int, item: Item) -> list[str]:
    """Every phrase clean and at 20 dB white noise, plus two of the other conditions in turn (the machine
    is shared: decoding every phrase under all ten would take hours); out-of-grammar speech clean and
    under one noise in turn; coughs and breathing as they are."""
    if item.kind == "phrase":
        return ["clean", "white 20 dB", *(OTHER_CONDITIONS[(2 * n + k) % len(OTHER_CONDITIONS)] for k in (0, 1))]
    if item.kind == "sentence":
        return ["clean", OOG_CONDITIONS[n % 2]]
    return ["clean"]


@dataclass(frozen=True)
class Item:
    """One base utterance: what was said, which menu heard it, and the option it means (None: out of grammar)."""

    text: str
    menu: str  # "main" or "yes_no"
    option: str | None
    variant: str
    rate_wpm: int
    pitch: int
    kind: str = "phrase"  # phrase | sentence | cough | breath


def main_menu() -> dict[str, list[str]]:
    """The Korean phrases of the sample flow's menus, option key -> phrases."""
    options: dict[str, list[str]] = {}
    for path in sorted(FLOWS.glob("*.yaml")):
        for node in (yaml.safe_load(path.read_text()).get("nodes") or {}).values():
            for key, option in ((node or {}).get("options") or {}).items():
                ko = ((option if isinstance(option, dict) else {}).get("phrases") or {}).get("ko")
                if ko:
                    options.setdefault(str(key), []).extend(ko)
    return options


def menus() -> dict[str, dict[str, list[str]]]:
    return {"main": main_menu(), "yes_no": YES_NO}


def variants() -> list[str]:
    """Every espeak-ng voice variant (they apply to any language): the names after '!v/'."""
    out = subprocess.run(["espeak-ng", "--voices=variant"], capture_output=True, text=True, check=True).stdout
    names = [line.split()[4].split("/", 1)[1] for line in out.splitlines()[1:] if "!v/" in line]
    return sorted(set(names), key=str.lower)


def split_of(variant: str) -> str:
    """Tuning or held-out, by a hash of the voice name: a voice is never in both halves."""
    return "tune" if zlib.crc32(variant.encode()) % 2 == 0 else "held"


def items() -> list[Item]:
    """Each voice says PHRASES_PER_VOICE phrases (rotating over every phrase) and one out-of-grammar
    sentence, at a rate and pitch that rotate too; plus coughs and breathing (no words)."""
    phrases = [(menu, key, text) for menu, options in menus().items() for key, texts in options.items() for text in texts]
    out, turn = [], 0
    for v, variant in enumerate(variants()):
        for k in range(PHRASES_PER_VOICE):
            menu, key, text = phrases[turn % len(phrases)]
            out.append(Item(text, menu, key, variant, RATES_WPM[turn % len(RATES_WPM)], PITCHES[turn % len(PITCHES)]))
            turn += 1
        sentence = OOG_SENTENCES[v % len(OOG_SENTENCES)]
        out.append(Item(sentence, "main", None, variant, RATES_WPM[v % len(RATES_WPM)], PITCHES[v % 3], "sentence"))
        if v % 5 == 0:
            out.append(Item("", "main" if v % 2 else "yes_no", None, variant, 0, v, "cough"))
            out.append(Item("", "yes_no" if v % 2 else "main", None, variant, 0, v, "breath"))
    return out


def render(item: Item) -> np.ndarray:
    """The utterance at 8 kHz (float samples, 16-bit scale), band-limited to 300-3400 Hz, padded with silence."""
    if item.kind == "cough":
        core = cough(item.pitch)
    elif item.kind == "breath":
        core = breath(item.pitch)
    else:
        core = _espeak(item.text, item.variant, item.rate_wpm, item.pitch)
    pad = lambda s: np.zeros(int(s * RATE_HZ))  # noqa: E731
    return np.concatenate([pad(LEAD_S), core, pad(TRAIL_S)])


def _espeak(text: str, variant: str, rate: int, pitch: int) -> np.ndarray:
    key = hashlib.sha1(f"{text}|{variant}|{rate}|{pitch}".encode()).hexdigest()[:16]
    path = CACHE / f"{key}.raw"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        wav = subprocess.run(["espeak-ng", "-v", f"ko+{variant}", "-s", str(rate), "-p", str(pitch), "--stdout", text],
                             capture_output=True, check=True).stdout
        raw = subprocess.run(["sox", "-q", "-t", "wav", "-", "-t", "raw", "-e", "signed", "-b", "16", "-c", "1",
                              "-r", str(RATE_HZ), "-", "sinc", "300-3400", "norm", "-3"],
                             input=wav, capture_output=True, check=True).stdout
        path.write_bytes(raw)
    return np.frombuffer(path.read_bytes(), dtype="<i2").astype(np.float64)


def cough(seed: int) -> np.ndarray:
    """Two sharp noise bursts, 0.25 s each, decaying fast, band-limited: a cough-like sound."""
    rng = np.random.default_rng(1000 + seed)
    bursts = []
    for _ in range(2):
        n = int(0.25 * RATE_HZ)
        burst = band_pass(rng.normal(0, 1, n), 250, 2500) * np.exp(-np.arange(n) / (0.06 * RATE_HZ))
        bursts += [burst / np.abs(burst).max() * 20000, np.zeros(int(0.15 * RATE_HZ))]
    return np.concatenate(bursts)


def breath(seed: int) -> np.ndarray:
    """Two seconds of breathing: pink-ish noise swelling and fading twice, at a low level."""
    rng = np.random.default_rng(2000 + seed)
    n = 2 * RATE_HZ
    envelope = np.sin(np.pi * np.arange(n) / RATE_HZ) ** 2
    noise = band_pass(pink(n, rng), 300, 3000) * envelope
    return noise / (np.sqrt(np.mean(noise ** 2)) + 1e-9) * 600


def band_pass(x: np.ndarray, low_hz: float, high_hz: float) -> np.ndarray:
    spectrum = np.fft.rfft(x)
    freqs = np.fft.rfftfreq(len(x), 1 / RATE_HZ)
    spectrum[(freqs < low_hz) | (freqs > high_hz)] = 0
    return np.fft.irfft(spectrum, len(x))


def pink(n: int, rng) -> np.ndarray:
    spectrum = np.fft.rfft(rng.normal(0, 1, n))
    freqs = np.fft.rfftfreq(n, 1 / RATE_HZ)
    spectrum[1:] /= np.sqrt(freqs[1:])
    spectrum[0] = 0
    return np.fft.irfft(spectrum, n)


def hum(n: int) -> np.ndarray:
    t = np.arange(n) / RATE_HZ
    return sum(np.sin(2 * np.pi * 60 * k * t) / k for k in (1, 2, 3, 5, 7))


def on_the_line(clean: np.ndarray, condition: str, seed: int, babble_source: np.ndarray) -> bytes:
    """μ-law bytes of the utterance through one line condition (noise levels relative to the speech)."""
    rng = np.random.default_rng(seed)
    voiced = clean[np.abs(clean) > 1]
    level = np.sqrt(np.mean(voiced ** 2)) if len(voiced) else 1000.0
    x = clean.copy()
    kind, _, rest = condition.partition(" ")
    if kind in ("white", "pink", "babble", "hum"):
        snr = float(rest.split()[0])
        noise = {"white": lambda: rng.normal(0, 1, len(x)), "pink": lambda: pink(len(x), rng),
                 "hum": lambda: hum(len(x)), "babble": lambda: np.resize(babble_source, len(x))}[kind]()
        noise *= level / 10 ** (snr / 20) / (np.sqrt(np.mean(noise ** 2)) + 1e-9)
        x = band_pass(x + noise, 300, 3400) if kind != "hum" else x + noise
    elif kind == "clipping":
        x = np.clip(x * (3 * 32767 / (np.abs(x).max() + 1e-9)), -32767, 32767)
    elif kind == "packet":
        frames = len(x) // 160
        lost = rng.random(frames) < 0.05
        for f in np.nonzero(lost)[0]:
            x[f * 160:(f + 1) * 160] = 0
    pcm = np.clip(np.round(x), -32768, 32767).astype("<i2").tobytes()
    return audioop.lin2ulaw(pcm, 2)


def babble_for(items_: list[Item], item: Item, rendered) -> np.ndarray:
    """Three other voices saying other things, summed: the babble behind a caller."""
    others = [o for o in items_ if o.kind in ("phrase", "sentence") and o.variant != item.variant and o.text != item.text]
    start = zlib.crc32(f"{item.variant}{item.text}".encode()) % max(1, len(others) - 3)
    mixes = [rendered(o) for o in others[start:start + 3]]
    n = max(len(m) for m in mixes)
    return sum(np.resize(m, n) for m in mixes)
