"""Every fixed prompt text a flow can speak, per language: what the prompt cache renders ahead of calls."""
from __future__ import annotations

from .base import Prompt
from .model import Flow
from .nodes import SurveyNode
from .prompts import PLACEHOLDER, pick

PROMPT_FIELDS = ("text", "prompt", "short_prompt", "invalid_prompt", "no_input_prompt", "intro")


def static_prompts(flow: Flow) -> list[tuple[str, str]]:
    """(text, language) for every prompt without variables, each once, in a stable order."""
    found: dict[tuple[str, str], None] = {}
    for node in flow.nodes.values():
        for prompt in _prompts_of(node):
            for language in flow.languages:
                text = pick(prompt, language, flow.default_language)
                if text and not PLACEHOLDER.search(text):
                    found[(text, language)] = None
    return list(found)


def _prompts_of(node) -> list[Prompt]:
    prompts = [getattr(node, field, None) for field in PROMPT_FIELDS]
    if isinstance(node, SurveyNode):
        prompts += [question.prompt for question in node.questions]
    return [p for p in prompts if p is not None]
