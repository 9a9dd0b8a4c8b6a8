"""Fixtures as files and a scripted LLM provider for the tailor tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.llm.base import LLMResult, Message, Usage
from tools.llm.mock import MockProvider

HERE = Path(__file__).resolve().parent
RESUME = (HERE / "resume.md").read_text()
JOB_POST = (HERE / "job_post.md").read_text()
RESUME_EMPLOYERS = ["Lumen Logistics GmbH", "Brightwave Analytics", "Stadtwerke Potsdam"]


class Scripted:
    """A provider that answers every JSON call with the given data, and records the prompts."""

    name = "scripted"

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []

    def complete(self, messages: list[Message], *, json_schema: dict[str, Any] | None = None, **_: Any) -> LLMResult:
        self.prompts.append(messages[-1].content)
        data = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return LLMResult(text=str(data), usage=Usage(self.name, "script", 10, 5), data=data)


class Recording(MockProvider):
    """The mock provider, keeping the prompts it was given."""

    def __init__(self) -> None:
        self.prompts: list[str] = []

    def complete(self, messages: list[Message], **kwargs: Any) -> LLMResult:
        self.prompts.append(messages[-1].content)
        return super().complete(messages, **kwargs)
