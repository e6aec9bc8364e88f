"""Prompt text: pick the caller's language and fill in variables."""
from __future__ import annotations

import re

from .model import Prompt

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_-]*)(?:\|([a-z]+))?\}")


def spell_digits(value: str) -> str:
    """'12345' -> '1 2 3 4 5', so a voice reads an order number digit by digit."""
    return " ".join(value.replace(" ", ""))


FILTERS = {"digits": spell_digits}


def pick(prompt: Prompt, language: str, default_language: str) -> str:
    """The text of `prompt` in `language`, else in the flow's default language."""
    if isinstance(prompt, str):
        return prompt
    return prompt.get(language) or prompt.get(default_language) or next(iter(prompt.values()), "")


def fill(text: str, variables: dict) -> str:
    """Replace {name} and {name|digits} with the call's variables; unknown names become empty."""

    def substitute(match: re.Match) -> str:
        value = str(variables.get(match.group(1), ""))
        apply = FILTERS.get(match.group(2) or "", lambda v: v)
        return apply(value)

    return PLACEHOLDER.sub(substitute, text)
