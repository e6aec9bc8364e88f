"""Typed flow models: the flow file as a whole (its nodes are in `nodes`)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from callqueue.configfiles.checks import check_timezone

from .base import MenuKeys, Prompt, SpeechSettings, Strict
from .nodes import Node

__all__ = ["Flow", "Prompt"]



class Flow(Strict):
    """A whole call flow: its nodes, where it starts, which numbers and languages it serves."""

    name: str
    start: str
    nodes: dict[str, Node]
    languages: list[str] = Field(default_factory=lambda: ["ko"], min_length=1)
    numbers: list[str] = Field(default_factory=list)
    default: bool = False
    timezone: str = "UTC"
    variables: dict[str, str] = Field(default_factory=dict)
    lists: dict[str, list[str]] = Field(default_factory=dict)
    menu_keys: MenuKeys = MenuKeys()
    speech: SpeechSettings = SpeechSettings()
    currency: str = "KRW"
    record: Literal["none", "whole_call"] = "none"  # whole_call: record from the answer (paused for sensitive gathers)
    # Filled by the loader, not written by supervisors:
    version: SkipJsonSchema[str] = ""
    path: SkipJsonSchema[str] = ""
    parts: SkipJsonSchema[dict[str, str]] = Field(default_factory=dict)  # subflow name -> its first node here

    _tz = field_validator("timezone")(classmethod(lambda cls, v: check_timezone(v)))

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def node(self, name: str):
        return self.nodes[name]

    @property
    def sensitive_variables(self) -> frozenset[str]:
        """What `sensitive: true` gathers collect: sealed when stored, masked wherever a person sees it."""
        from .nodes import GatherNode

        return frozenset(n.variable for n in self.nodes.values() if isinstance(n, GatherNode) and n.sensitive)
