"""Right, or ask: the menu option a transcript names, and whether it is sure enough to act on.

Pure code (rapidfuzz, no vosk). Over `speech.matching`'s first rule (an exact or contained phrase) it
adds what the held-out evaluation showed to help (bench/speech_eval.py, docs/speech.md):

- filler words in the grammar (`speech.fillers`) soak up out-of-menu speech: a best hypothesis made
  mostly of fillers is not understood, and one with any filler is never sure;
- each n-best alternative votes for the option whose phrase is closest in jamo (`speech.jamo`), so
  요금/요건 or 네/내 count as near; the option's score is its best vote less a penalty per rank, and its
  agreement is the n-best share (vosk's softmax) of the alternatives that vote for it;
- sure needs a high score, most of the n-best agreeing, no close second option, no filler, words not
  cut off, a phrase of at least three syllables, and not too many syllables for the time the caller
  spoke. A grammar forces unclear speech into its short phrases with one path and full share (a
  croaked "상담원 연결" comes back as "고장"): nothing in the words tells those apart, so a two-syllable
  answer in a long menu is always confirmed, and so is a phrase far longer than the speech (a one-
  syllable 응 heard as 아니요). Short answers (네/아니요) get thresholds of their own.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from speech.fillers import all_fillers
from speech.jamo import SYLLABLE_FIRST, SYLLABLE_LAST, jamo_similarity
from speech.matching import Match, coverage, normalize

SHORT_PHRASE_CHARS = 3  # a menu whose phrases are all this short is a short-answer menu (yes/no)
SHORTEST_SPEECH_S = 0.02  # one frame: a rate over no measured speech is as fast as it gets


@dataclass(frozen=True)
class DecisionSettings:
    threshold: float = 75.0  # best jamo score below this: no match (the caller is asked again)
    min_coverage: float = 0.67  # some phrase must explain this share of the best hypothesis's words
    max_filler_share: float = 0.0  # more of the best hypothesis than this in fillers: not understood
    sure_score: float = 85.0
    sure_agreement: float = 0.8  # n-best share voting for the chosen option
    margin: float = 10.0  # over the next option's score
    rank_penalty: float = 5.0
    trailing_word: bool = True  # a phrase + one trailing word is covered by the phrase (_trailing_word)
    min_sure_syllables: int = 3  # fewer Hangul syllables: never sure (the grammar forces unclear speech there)
    max_syllables_per_s: float = 6.0  # Hangul syllables per second of speech above this: never sure (0: off)


# Tuned on the tuning half of bench/speech_eval.py (docs/speech.md), each change kept only when it also
# helped on the held-out half: fewest silent wrong turns that still rejects 95 % of out-of-menu sentences.
DEFAULT = DecisionSettings()
SHORT = DecisionSettings(threshold=55.0, min_coverage=0.5, sure_score=100.0, sure_agreement=0.9,
                         trailing_word=False, min_sure_syllables=0, max_syllables_per_s=8.0)


@dataclass(frozen=True)
class Hearing:
    """Words heard with vosk's n-best shares, whether the audio stopped while the caller spoke, and how
    long they spoke (`speech.silence`'s loud frames; None: not measured, no length check)."""

    texts: Sequence[str]
    shares: Sequence[float] = ()
    cut_off: bool = False
    speech_s: float | None = None


def settings_for(options: Mapping[str, Sequence[str]], long: DecisionSettings = DEFAULT,
                 short: DecisionSettings = SHORT) -> DecisionSettings:
    phrases = [normalize(p).replace(" ", "") for ps in options.values() for p in ps]
    return short if phrases and max(map(len, phrases)) <= SHORT_PHRASE_CHARS else long


def decide(hearing: Hearing, options: Mapping[str, Sequence[str]], settings: DecisionSettings | None = None) -> Match | None:
    """The option heard, with `confident` meaning sure (act without asking), or None (ask again)."""
    settings = settings or settings_for(options)
    fillers = all_fillers() - {w for ps in options.values() for p in ps for w in normalize(p).split()}
    texts = [normalize(t) for t in hearing.texts]
    best = next((t for t in texts if t), "")
    if not best or _filler_share(best, fillers) > settings.max_filler_share:
        return None
    content = _without(best, fillers)
    phrases = [normalize(p) for ps in options.values() for p in ps]
    forgiven = settings.trailing_word and _trailing_word(texts, phrases)
    if not content or not (_covered(content, phrases, settings) or forgiven):
        return None
    shares = list(hearing.shares) or [1.0 / len(texts)] * len(texts)
    scores, agreement = _votes(texts, shares, options, fillers, settings)
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda item: -item[1][0])
    option, (score, phrase) = ranked[0]
    if score < settings.threshold:
        return None
    runner_up = ranked[1][1][0] if len(ranked) > 1 else 0.0
    sure = (score >= settings.sure_score and agreement.get(option, 0.0) >= settings.sure_agreement
            and score - runner_up >= settings.margin and _filler_share(best, fillers) == 0 and not hearing.cut_off
            and not _too_short(phrase, settings) and not _too_fast(phrase, hearing.speech_s, settings))
    return Match(option, phrase, round(score, 1), sure)


def _covered(content: str, phrases: list[str], settings: DecisionSettings) -> bool:
    return max((coverage(content, p) for p in phrases), default=0.0) >= settings.min_coverage


def _trailing_word(texts: list[str], phrases: list[str]) -> str | None:
    """The phrase a best hypothesis holds when it is a phrase plus one trailing word ("배송 조회 고장")
    AND the decoder weighed the phrase without the word (it is lower in the n-best) or had no other path
    at all. A word salad from out-of-menu speech replaces words and comes with other paths, so it still
    needs the coverage. (The sample voice's "배송 조회" is heard either way, render by render.)"""
    paths = [t for t in texts if t]
    words = paths[0].split() if paths else []
    bare = " ".join(words[:-1])
    return bare if len(words) > 1 and bare in phrases and (bare in paths or len(paths) == 1) else None


def _too_fast(phrase: str, speech_s: float | None, settings: DecisionSettings) -> bool:
    """More of the phrase's Hangul syllables per second of speech than anyone says: the words heard are
    longer than what was spoken. Unmeasured speech, and phrases with no Hangul (no syllable count from
    letters), are not checked."""
    syllables = _syllables(phrase)
    if speech_s is None or not syllables or not settings.max_syllables_per_s:
        return False
    return syllables / max(speech_s, SHORTEST_SPEECH_S) > settings.max_syllables_per_s


def _syllables(phrase: str) -> int:
    return sum(SYLLABLE_FIRST <= ord(c) <= SYLLABLE_LAST for c in phrase)


def _too_short(phrase: str, settings: DecisionSettings) -> bool:
    """Fewer Hangul syllables than a sure answer needs (a phrase with none, in letters, is not counted)."""
    return 0 < _syllables(phrase) < settings.min_sure_syllables


def _votes(texts, shares, options, fillers, settings):
    """Per option its best (score, phrase) over the alternatives, and the n-best share voting for it."""
    scores: dict[str, tuple[float, str]] = {}
    agreement: dict[str, float] = {}
    for rank, (text, share) in enumerate(zip(texts, shares)):
        heard = _without(text, fillers)
        if not heard:
            continue
        per_option = {option: max((_score(heard, normalize(p)), p) for p in phrases) for option, phrases in options.items()}
        voted, (top, _) = max(per_option.items(), key=lambda item: item[1][0])
        if top >= settings.threshold:
            agreement[voted] = agreement.get(voted, 0.0) + share
        for option, (score, phrase) in per_option.items():
            penalised = score - settings.rank_penalty * rank
            if penalised > scores.get(option, (-1.0, ""))[0]:
                scores[option] = (penalised, phrase)
    return scores, agreement


def _score(heard: str, phrase: str) -> float:
    """100 when the phrase was heard exactly; else the jamo similarity of the whole, or of the words
    the phrase is best found in (a stray word costs less than a wrong sound)."""
    if heard == phrase:
        return 100.0
    words, n = heard.split(), len(phrase.split())
    windows = [" ".join(words[i:i + n]) for i in range(max(1, len(words) - n + 1))]
    best_window = max(jamo_similarity(w, phrase) for w in windows)
    whole = jamo_similarity(heard, phrase)
    stray = len(heard.replace(" ", "")) - len(phrase.replace(" ", ""))
    return max(whole, best_window - 5.0 * max(0, stray) / max(1, len(phrase.replace(" ", ""))) * 2)


def _without(text: str, fillers: set[str]) -> str:
    return " ".join(w for w in text.split() if w not in fillers)


def _filler_share(text: str, fillers: set[str]) -> float:
    words = text.split()
    total = sum(len(w) for w in words)
    return sum(len(w) for w in words if w in fillers) / total if total else 0.0
