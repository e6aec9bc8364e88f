"""Did the caller hear it? `hears` phrases found in order in what was said; `not_hears` found nowhere (pure)."""
from __future__ import annotations

from dataclasses import dataclass

SEPARATOR = "\n"  # between prompts: a phrase never has one after normalising, so it cannot span two prompts


def normalize(text: str) -> str:
    """Runs of spaces and line breaks become one space; case is ignored."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Missing:
    """The first `hears` phrase not found after the previous one (`after`: that phrase, None for the first)."""

    phrase: str
    after: str | None
    heard_earlier: bool


def first_missing(phrases: list[str], said: list[str]) -> Missing | None:
    """None when every phrase is found, in this order, each after the end of the previous match.

    A phrase is found inside one prompt (a piece of it is enough); two phrases may come from the same prompt;
    a phrase written twice must be heard twice.
    """
    heard = SEPARATOR.join(normalize(text) for text in said)
    position, previous = 0, None
    for phrase in phrases:
        wanted = normalize(phrase)
        found = heard.find(wanted, position)
        if found < 0:
            return Missing(phrase, previous, wanted in heard[:position])
        position, previous = found + len(wanted), phrase
    return None


def heard_anywhere(phrases: list[str], said: list[str]) -> list[tuple[str, str]]:
    """The (phrase, prompt) pairs where a `not_hears` phrase was heard after all."""
    return [(phrase, text) for phrase in phrases for text in said if normalize(phrase) in normalize(text)]
