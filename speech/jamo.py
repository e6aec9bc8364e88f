"""Korean-aware string distance: Hangul syllables decomposed into jamo before fuzzy comparison.

A syllable-level distance sees 네 and 내 as entirely different characters, and 요금 and 요건 as half
different; a recogniser confuses exactly such near sounds. Decomposed into their letters (ㄴㅔ / ㄴㅐ,
ㅇㅛㄱㅡㅁ / ㅇㅛㄱㅓㄴ), one vowel or one final consonant differs, which is what the matcher should see.
Pure code over rapidfuzz; other scripts pass through unchanged (lower-cased English stays letters).
"""
from __future__ import annotations

from rapidfuzz.distance import Indel

SYLLABLE_FIRST, SYLLABLE_LAST = 0xAC00, 0xD7A3
LEADS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
TAILS = ("", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ", "ㅀ", "ㅁ",
         "ㅂ", "ㅄ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ")


def decompose(text: str) -> str:
    """Each precomposed Hangul syllable as its lead, vowel and (optional) tail jamo; spaces dropped.

    "요금 문의" -> "ㅇㅛㄱㅡㅁㅁㅜㄴㅇㅢ"; characters that are not syllables are kept as they are."""
    out = []
    for char in text:
        code = ord(char)
        if SYLLABLE_FIRST <= code <= SYLLABLE_LAST:
            index = code - SYLLABLE_FIRST
            out.append(LEADS[index // 588] + VOWELS[index % 588 // 28] + TAILS[index % 28])
        elif not char.isspace():
            out.append(char)
    return "".join(out)


def jamo_similarity(a: str, b: str) -> float:
    """0..100: the normalised indel similarity of the two texts' jamo strings (100 when equal)."""
    return 100.0 * Indel.normalized_similarity(decompose(a), decompose(b))
