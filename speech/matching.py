"""Which menu option a transcript names: pure code (rapidfuzz, no vosk), so the engine can use it.

A vosk grammar cannot reject speech outside it and often returns the right phrase with stray words
("배송 기술 지원" for "기술 지원"), so the matcher looks at every n-best alternative: an exact phrase
scores 100, anything else its fuzzy similarity, less a small penalty per rank below the best. Below
`threshold` nothing matches; below `confirm_below`, or when another option scores nearly as well, the
match is low-confidence and the IVR should confirm it ("요금 문의 맞으신가요?").

Because a grammar forces any speech into its own words, speech outside it ("안녕하세요 날씨가 좋네요")
comes back as a salad of menu words ("연결 요금 조회 기술 요금") that holds a phrase word for word. So
before anything else, the best hypothesis must be mostly explained by some phrase (`min_coverage` of
its characters in common, in order): a transcript far from every phrase is not understood at all.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

THRESHOLD = 60.0
CONFIRM_BELOW = 85.0
RANK_PENALTY = 5.0
AMBIGUITY_MARGIN = 10.0
MIN_COVERAGE = 0.5  # share of what was heard that the closest phrase must explain
SCORERS: dict[str, Callable[[str, str], float]] = {
    "token_set": fuzz.token_set_ratio,
    "partial": fuzz.partial_ratio,
    "ratio": fuzz.ratio,
    "wratio": fuzz.WRatio,
}


@dataclass(frozen=True)
class Match:
    """The chosen option, the phrase that matched, its score (0..100), and whether it is sure enough to
    act on without asking the caller."""

    option: str
    phrase: str
    score: float
    confident: bool


@dataclass(frozen=True)
class MatchSettings:
    threshold: float = THRESHOLD
    confirm_below: float = CONFIRM_BELOW
    rank_penalty: float = RANK_PENALTY
    ambiguity_margin: float = AMBIGUITY_MARGIN
    scorer: str = "token_set"
    min_coverage: float = MIN_COVERAGE


def match(
    alternatives: Sequence[str],
    options: Mapping[str, Sequence[str]],
    threshold: float = THRESHOLD,
    settings: MatchSettings | None = None,
) -> Match | None:
    """The option whose phrases best fit the transcript alternatives (best first), or None.

    `options` maps an option key (what the flow branches on) to the phrases that choose it.
    """
    settings = settings or MatchSettings(threshold=threshold)
    if not understood(alternatives, options, settings.min_coverage):
        return None
    sure = _exact(alternatives, options) or _contained(alternatives, options)
    if sure is not None:
        return sure
    scores = best_per_option(alternatives, options, settings)
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda item: -item[1][0])
    option, (score, phrase) = ranked[0]
    if score < settings.threshold:
        return None
    runner_up = ranked[1][1][0] if len(ranked) > 1 else 0.0
    sure = score >= settings.confirm_below and score - runner_up >= settings.ambiguity_margin
    return Match(option, phrase, round(score, 1), sure)


def understood(alternatives: Sequence[str], options: Mapping[str, Sequence[str]], min_coverage: float) -> bool:
    """Some phrase explains at least `min_coverage` of the best (first non-empty) hypothesis."""
    best = next((text for text in map(normalize, alternatives) if text), "")
    phrases = [normalize(p) for phrases in options.values() for p in phrases]
    return bool(best) and max((coverage(best, p) for p in phrases), default=0.0) >= min_coverage


def coverage(heard: str, phrase: str) -> float:
    """The share of the heard characters (spaces aside) that the phrase has too, in the same order:
    "배송 조회 고장" by "배송 조회" 0.67, "연결 요금 조회 기술 요금" by "요금" 0.2."""
    heard, phrase = heard.replace(" ", ""), phrase.replace(" ", "")
    return LCSseq.similarity(heard, phrase) / len(heard) if heard else 0.0


def _exact(alternatives: Sequence[str], options: Mapping[str, Sequence[str]]) -> Match | None:
    """The best alternative is exactly one option's phrase: sure, whatever lower-ranked guesses say.

    Lower alternatives often carry another option's word ("배송 조회 고장"); they must not turn an exact
    hearing of the grammar into a question back to the caller.
    """
    best = normalize(alternatives[0]) if alternatives else ""
    found = {(option, phrase) for option, phrases in options.items() for phrase in phrases if normalize(phrase) == best}
    if best and len({option for option, _ in found}) == 1:
        option, phrase = sorted(found)[0]
        return Match(option, phrase, 100.0, True)
    return None


def _contained(alternatives: Sequence[str], options: Mapping[str, Sequence[str]]) -> Match | None:
    """The best alternative holds one option's phrase word for word, plus stray words ("배송 조회 고장").

    Sure when that phrase is at least twice as long as any other option's phrase also held in it: the
    longer phrase explains more of what was said.
    """
    words = normalize(alternatives[0]).split() if alternatives else []
    held = sorted(((len(normalize(p).replace(" ", "")), option, p) for option, phrases in options.items()
                   for p in phrases if _holds(words, normalize(p).split())), reverse=True)
    if not held:
        return None
    length, option, phrase = held[0]
    others = [n for n, other, _ in held if other != option]
    if others and length < 2 * others[0]:
        return None
    return Match(option, phrase, 100.0, True)  # the phrase itself was heard: it scores as exact


def _holds(words: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return n > 0 and any(words[i:i + n] == phrase for i in range(len(words) - n + 1))


def best_per_option(
    alternatives: Sequence[str], options: Mapping[str, Sequence[str]], settings: MatchSettings
) -> dict[str, tuple[float, str]]:
    """For each option, its best (score, phrase) over every alternative and phrase."""
    heard = [(rank, normalize(text)) for rank, text in enumerate(alternatives) if normalize(text)]
    scorer = SCORERS[settings.scorer]
    best: dict[str, tuple[float, str]] = {}
    for option, phrases in options.items():
        for phrase in phrases:
            for rank, text in heard:
                score = similarity(text, normalize(phrase), scorer) - settings.rank_penalty * rank
                if score > best.get(option, (-1.0, ""))[0]:
                    best[option] = (score, phrase)
    return best


def similarity(heard: str, phrase: str, scorer: Callable[[str, str], float]) -> float:
    """100 for the exact phrase, the scorer's 0..100 otherwise."""
    return 100.0 if heard == phrase else float(scorer(heard, phrase))


def normalize(text: str) -> str:
    """Compatibility form, lower case, no punctuation, single spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def grammar_of(options: Mapping[str, Sequence[str]]) -> list[str]:
    """Every phrase of every option, once, in order: the recognizer grammar for this menu."""
    return list(dict.fromkeys(phrase for phrases in options.values() for phrase in phrases))
