"""How `hears` and `not_hears` match what the caller heard (pure)."""
from __future__ import annotations

import pytest

from ivr.flowtest.hearing import Missing, first_missing, heard_anywhere

SAID = ["Hello, this is customer service.", "For delivery status, press 1. For billing, press 2.",
        "Order number 1 0 0 3 was delivered on March 2, 2026.", "Thank you for calling. Goodbye."]


@pytest.mark.parametrize("phrases", [
    [],
    ["Hello, this is customer service."],
    ["delivery status", "Goodbye"],                                   # a piece of a prompt is enough; gaps allowed
    ["For delivery status, press 1.", "For billing, press 2."],      # two phrases from one prompt, in order
    ["order NUMBER 1 0 0 3", "thank you   for calling."],            # case and runs of spaces do not matter
])
def test_phrases_heard_in_order_match(phrases):
    assert first_missing(phrases, SAID) is None


@pytest.mark.parametrize("phrases, missing", [
    (["Goodbye", "Hello"], Missing("Hello", "Goodbye", True)),                       # heard, but before
    (["Hello", "Hello"], Missing("Hello", "Hello", True)),                           # written twice: heard twice
    (["press 2. Order number"], Missing("press 2. Order number", None, False)),      # never across two prompts
    (["Hello", "agents are busy"], Missing("agents are busy", "Hello", False)),
])
def test_the_first_phrase_not_found_is_reported_with_the_one_before_it(phrases, missing):
    assert first_missing(phrases, SAID) == missing


def test_not_hears_reports_each_phrase_with_the_prompt_it_was_heard_in():
    assert heard_anywhere(["goodbye", "agents are busy"], SAID) == [("goodbye", "Thank you for calling. Goodbye.")]
