"""The menu node: a key (or a phrase the caller says) chooses where the call goes."""
from __future__ import annotations

from typing import Literal, Union

from pydantic import Field, field_validator

from ..base import DTMF_KEYS, Prompt, Strict


class MenuOption(Strict):
    """Where a key (or a phrase the caller says) leads; `language` switches the caller's language."""

    to: str
    language: str | None = None
    phrases: dict[str, list[str]] = Field(default_factory=dict)  # language -> what a caller may say


class MenuNode(Strict):
    """Ask for a key (or a short key sequence) and branch on it."""

    kind: Literal["menu"]
    prompt: Prompt
    short_prompt: Prompt | None = None
    options: dict[str, Union[str, MenuOption]]
    timeout_s: float = Field(5, gt=0, le=60)
    digit_timeout_s: float = Field(3, gt=0, le=30)
    max_invalid: int = Field(3, ge=1, le=10)
    max_no_input: int = Field(3, ge=1, le=10)
    invalid_prompt: Prompt | None = None
    no_input_prompt: Prompt | None = None
    fallback: str | None = None
    back: bool = True
    repeat: bool = True
    speech: bool = True  # listen for the options' phrases too (when the server has a speech model)

    @field_validator("options")
    @classmethod
    def keys_are_dtmf(cls, options: dict) -> dict:
        if not options:
            raise ValueError("a menu needs at least one option")
        for key in options:
            if not DTMF_KEYS.match(key):
                raise ValueError(f"option key {key!r} is not made of keypad keys (0-9, * and #)")
        return options

    def target(self, key: str) -> MenuOption | None:
        option = self.options.get(key)
        return MenuOption(to=option) if isinstance(option, str) else option

    @property
    def longest_key(self) -> int:
        return max(map(len, self.options))

    def phrases(self, language: str) -> dict[str, list[str]]:
        """Option key -> the phrases that choose it in `language` (empty when the menu takes keys only)."""
        if not self.speech:
            return {}
        found = {key: self.target(key).phrases.get(language, []) for key in self.options}
        return {key: phrases for key, phrases in found.items() if phrases}
