"""Prompt text: pick the caller's language and fill in variables, read the way the language reads them."""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import spoken
from .base import Prompt

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_-]*)(?:\|([a-z]+))?\}")


@dataclass(frozen=True)
class Speech:
    """The language and currency a text is filled for."""

    language: str
    currency: str = "KRW"

    def apply(self, name: str, value: str) -> str:
        if name == "digits":
            return spoken.digits(value, self.language)
        if name == "number":
            return spoken.number(value, self.language)
        if name == "amount":
            return spoken.amount(value, self.language, self.currency)
        if name == "date":
            return spoken.spoken_date(value, self.language)
        if name == "time":
            return spoken.spoken_time(value, self.language)
        return value


def pick(prompt: Prompt, language: str, default_language: str) -> str:
    """The text of `prompt` in `language`, else in the flow's default language."""
    if isinstance(prompt, str):
        return prompt
    return prompt.get(language) or prompt.get(default_language) or next(iter(prompt.values()), "")


def fill(text: str, variables: dict, speech: Speech | None = None) -> str:
    """Replace {name} and {name|filter} with the call's variables; unknown names become empty."""
    speech = speech or Speech("en")

    def substitute(match: re.Match) -> str:
        value = str(variables.get(match.group(1), ""))
        return speech.apply(match.group(2), value) if match.group(2) else value

    return PLACEHOLDER.sub(substitute, text)
