"""The node kinds a flow is made of, each with its fields and defaults (see docs/flows.md), by family."""
from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field

from .basic import GatherNode, GotoNode, HangupNode, SayNode, SetNode
from .branching import Case, Condition, HoursNode, ReturnNode, SubflowNode, SwitchNode
from .menu import MenuNode, MenuOption
from .outside import EnqueueNode, HttpNode, Question, SurveyNode, TransferNode, VoicemailNode

__all__ = ["Case", "Condition", "EnqueueNode", "GatherNode", "GotoNode", "HangupNode", "HoursNode", "HttpNode",
           "MenuNode", "MenuOption", "NODE_KINDS", "Node", "Question", "ReturnNode", "SayNode", "SetNode",
           "SubflowNode", "SurveyNode", "SwitchNode", "TransferNode", "VoicemailNode"]

Node = Annotated[
    Union[SayNode, MenuNode, GatherNode, GotoNode, TransferNode, HangupNode, HoursNode, SwitchNode,
          SetNode, SubflowNode, ReturnNode, HttpNode, VoicemailNode, SurveyNode, EnqueueNode],
    Field(discriminator="kind"),
]

NODE_KINDS = ("say", "menu", "gather", "goto", "transfer", "hangup", "hours", "switch", "set", "subflow",
              "return", "http", "voicemail", "survey", "enqueue")
