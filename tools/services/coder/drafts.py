"""What the coder asks the LLM: a plan for a change and the files that make it.

Each prompt carries a deterministic draft in a ```json block: the mock provider returns it as is
(so the service works offline and tests are repeatable); a real model improves on it.
"""

from __future__ import annotations

import json
import keyword
import re
from typing import Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError

from tools.llm.base import LLMProvider, Message, Usage

# Words that say how, not what: never the subject of a request.
STOP_WORDS = frozenset({
    "a", "an", "and", "add", "build", "code", "create", "for", "from", "function", "implement", "in", "into",
    "it", "make", "method", "module", "new", "of", "on", "please", "python", "return", "returns", "small",
    "that", "the", "this", "to", "which", "with", "write"
})  # fmt: skip
T = TypeVar("T", bound=BaseModel)
SYSTEM = "You are a careful software engineer. Keep changes small, tested and easy to review."


class FileChange(BaseModel):
    path: str = Field(min_length=1, max_length=300)
    action: Literal["create", "modify"] = "create"
    purpose: str = Field(default="", max_length=500)


class ChangePlan(BaseModel):
    steps: list[str] = Field(min_length=1, max_length=30)
    files: list[FileChange] = Field(min_length=1, max_length=50)


class FileContent(BaseModel):
    path: str = Field(min_length=1, max_length=300)
    content: str = Field(max_length=1_000_000)


class FileSet(BaseModel):
    files: list[FileContent] = Field(min_length=1, max_length=50)


class DraftError(ValueError):
    """The model's answer is not a plan or a file set."""


def subject(request: str) -> str:
    """A Python identifier for what the request is about: a named ``call(`` if it has one,
    else its first word that is not filler."""
    named = re.search(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(", request)
    words = [w for w in re.findall(r"[a-z][a-z0-9_]*", request.lower()) if w not in STOP_WORDS]
    name = (named.group(1).lower() if named else words[0] if words else "feature").strip("_") or "feature"
    if keyword.iskeyword(name) or name.startswith("test"):
        name = f"feature_{name}"
    return name[:40]


def draft_plan(request: str, files: list[str]) -> ChangePlan:
    name = subject(request)
    changes = [
        FileChange(path=f"{name}.py", action="create", purpose=f"implements {name}"),
        FileChange(path=f"test_{name}.py", action="create", purpose=f"pytest tests for {name}"),
        *(FileChange(path=path, action="modify", purpose="named by the request") for path in files),
    ]
    steps = [
        f"Write {name}.py with a function {name}() for: {request.strip()[:200]}",
        f"Write test_{name}.py with pytest tests of {name}()",
        "Run pytest in the workspace and fix what fails",
    ]
    return ChangePlan(steps=steps, files=changes)


def draft_files(request: str) -> FileSet:
    name = subject(request)
    summary = " ".join(request.split())[:200].replace('"""', "'''")
    module = (
        f'"""{summary}"""\n\n\n'
        f"def {name}(value: str) -> str:\n"
        f'    """Draft: returns its input; the real behaviour is still to write."""\n'
        f"    return value\n"
    )
    test = (
        f"from {name} import {name}\n\n\n"
        f"def test_{name}_returns_its_input() -> None:\n"
        f'    assert {name}("awe") == "awe"\n'
    )
    return FileSet(
        files=[FileContent(path=f"{name}.py", content=module), FileContent(path=f"test_{name}.py", content=test)]
    )


def _ask(provider: LLMProvider, prompt: str, draft: T, model: type[T], usages: list[Usage]) -> T:
    text = f"{prompt}\n\nAnswer with JSON only. A plain starting draft to improve on:\n```json\n{draft.model_dump_json(indent=1)}\n```"
    result = provider.complete(
        [Message("system", SYSTEM), Message("user", text)],
        json_schema=model.model_json_schema(),
        schema_name=model.__name__,
    )
    usages.append(result.usage)
    try:
        return model.model_validate(result.data)
    except ValidationError as exc:
        raise DraftError(f"the model's {model.__name__} is not valid: {exc.errors()[0]['msg']}") from exc


def plan_change(provider: LLMProvider, request: str, files: list[str], usages: list[Usage]) -> ChangePlan:
    listed = "\n".join(f"- {path}" for path in files) or "(none named)"
    prompt = (
        f"Plan this change as short steps and the files to touch.\n\nRequest:\n{request}\n\nExisting files:\n{listed}"
    )
    return _ask(provider, prompt, draft_plan(request, files), ChangePlan, usages)


def write_change(provider: LLMProvider, request: str, plan: ChangePlan, usages: list[Usage]) -> FileSet:
    prompt = (
        "Write every file of this change in full: the code and pytest tests that check it. Tests import the "
        f"modules by their file names from the workspace root.\n\nRequest:\n{request}\n\nPlan:\n"
        + json.dumps(plan.model_dump(mode="json"), indent=1)
    )
    return _ask(provider, prompt, draft_files(request), FileSet, usages)
