"""The shared base of flow models: strict pydantic models, prompts and names."""
from __future__ import annotations

import re
from typing import Union

from pydantic import BaseModel, ConfigDict

DTMF_KEYS = re.compile(r"^[0-9*#]+$")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")

# A prompt is one text for every language, or a text per language code.
Prompt = Union[str, dict[str, str]]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def check_variable_name(name: str) -> str:
    if not NAME.match(name):
        raise ValueError(f"variable name {name!r} must be letters, digits, _ or - and not start with a digit")
    return name


class MenuKeys(Strict):
    """Keys every menu understands when they are not one of its options (FreeSWITCH style)."""

    back: str | None = "*"
    repeat: str | None = "#"


class SpeechSettings(Strict):
    """How a flow confirms a spoken choice it is not sure of, and the words for yes and no."""

    confirm_prompt: dict[str, str] = {
        "ko": "{phrase}, 맞으신가요? 맞으면 1번 또는 '네', 아니면 2번 또는 '아니요'라고 말씀해 주세요.",
        "en": "Did you say {phrase}? Press 1 or say yes; press 2 or say no.",
    }
    # Words the packaged Korean model knows (`ivr validate --speech` checks a flow's own words).
    yes: dict[str, list[str]] = {"ko": ["네", "예", "응"], "en": ["yes", "yeah", "correct", "right"]}
    no: dict[str, list[str]] = {"ko": ["아니요", "아니"], "en": ["no", "nope", "wrong"]}


def check_variable_names(mapping: dict) -> dict:
    """A mapping whose keys become call variables: each key must be a variable name."""
    for name in mapping:
        check_variable_name(name)
    return mapping
