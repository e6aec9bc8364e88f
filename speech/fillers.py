"""Filler words added to a menu's grammar so that speech outside it has somewhere to go.

A vosk grammar forces whatever is said into its own words, and the Korean small model has no `[unk]`
word for "something else". Common words, none of them a menu word, give out-of-menu speech
("안녕하세요 날씨가 좋네요") a better path than the menu phrases; the matcher treats a hypothesis made
mostly of fillers as not understood, and any filler in it as a reason to ask rather than act.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

FILLERS: dict[str, tuple[str, ...]] = {
    "ko": ("음", "어", "아", "그", "저", "저기", "여보세요", "안녕하세요", "날씨", "좋네요", "감사합니다",
           "뭐", "오늘", "시간", "주소", "카드", "몰라요", "잠깐", "주세요", "그냥", "전화", "있어요",
           "없어요", "하고", "좀", "우리", "제가", "근데", "왜", "어디", "얼마", "사람", "집", "말", "돈", "다"),
}


def fillers_for(language: str, phrases: Sequence[str]) -> list[str]:
    """The language's filler words that are not words of the menu's own phrases."""
    own = {word for phrase in phrases for word in phrase.split()}
    return [word for word in FILLERS.get(language.split("-")[0], ()) if word not in own]


def with_fillers(phrases: Sequence[str], language: str) -> list[str]:
    """The grammar for a menu: its phrases, then the fillers."""
    return [*phrases, *fillers_for(language, phrases)]


def all_fillers() -> set[str]:
    return {word for words in FILLERS.values() for word in words}


def filler_share(text: str, fillers: Iterable[str]) -> float:
    """The share of the text's characters (spaces aside) that are filler words."""
    words = text.split()
    total = sum(len(w) for w in words)
    fill = set(fillers)
    return sum(len(w) for w in words if w in fill) / total if total else 0.0
