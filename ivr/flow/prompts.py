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


# A prompt's parts: sentences and clauses, each ending at . ! ? , ; or a line break (with the spaces after it).
# A mark inside a word or number ("3.5", "12,000") does not end a part: it must be followed by a space or the end.
PART = re.compile(r".*?(?:[.!?。,;、](?=\s|$)\s*|\n\s*|$)", re.S)
CLAUSE_ENDS = ",;、 \t\n"


def parts(text: str) -> list[str]:
    """The sentences and clauses of a prompt, each with its closing mark and the spaces after it."""
    return [part for part in PART.findall(text) if part]


def spoken_text(text: str, variables: dict, speech: Speech | None = None) -> str:
    """A prompt filled in for speaking: every part that reads a variable which is empty (or unset) is left out.

    "요금 문의, 주문 번호 {order_number}" reads "요금 문의" when no order number was given.
    """
    kept = [fill(part, variables, speech) for part in parts(text) if not _reads_empty(part, variables)]
    return "".join(kept).rstrip(CLAUSE_ENDS)


def _reads_empty(part: str, variables: dict) -> bool:
    return any(str(variables.get(match.group(1), "")) == "" for match in PLACEHOLDER.finditer(part))


def read_variables(text: str) -> list[str]:
    """The variable names a prompt text reads, in order."""
    return [match.group(1) for match in PLACEHOLDER.finditer(text)]
