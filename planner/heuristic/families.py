"""Built-in goal families. Each fans independent work out and joins it into an artifact."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from planner.heuristic import register_family
from planner.mock import keywords

LLM, RENDER, WRITE = "llm.generate_text", "core.render_markdown", "core.write_file"


def _words(*patterns: str):  # type: ignore[no-untyped-def]
    regex = re.compile(r"\b(" + "|".join(patterns) + r")\b", re.I)
    return lambda goal, context: bool(regex.search(goal))


def _text(task_id: str, prompt: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": task_id,
        "tool": LLM,
        "title": task_id.replace("_", " ").capitalize(),
        "inputs": {"prompt": prompt},
        **extra,
    }


def _join(task_id: str, title: str, parts: Mapping[str, str], path: str) -> dict[str, Any]:
    template = "# {{ title }}\n\n{% for name, body in sections.items() %}## {{ name }}\n\n{{ body }}\n\n{% endfor %}"
    return {
        "id": task_id,
        "tool": RENDER,
        "title": f"Assemble {path}",
        "inputs": {
            "template": template,
            "data": {"title": title, "sections": {name: {"$ref": f"{ref}.output.text"} for name, ref in parts.items()}},
            "path": path,
        },
    }


def _sections(goal: str, names: list[str], path: str, prefix: str) -> dict[str, Any]:
    tasks = [_text(f"{prefix}_{i}", f"Write the '{name}' section for: {goal}") for i, name in enumerate(names)]
    return {"tasks": [*tasks, _join("assemble", goal, {n: f"{prefix}_{i}" for i, n in enumerate(names)}, path)]}


def report(goal: str, context: Mapping[str, Any]) -> dict[str, Any]:
    return _sections(goal, ["Summary", "Background", "Analysis", "Recommendations"], "report.md", "section")


def research(goal: str, context: Mapping[str, Any]) -> dict[str, Any]:
    questions = [f"What is known about {k}?" for k in keywords(goal, 3)] + ["What are the open questions?"]
    return _sections(goal, questions, "research-summary.md", "question")


def checklist(goal: str, context: Mapping[str, Any]) -> dict[str, Any]:
    return _sections(goal, ["Preparation", "Implementation", "Verification", "Release"], "checklist.md", "phase")


def code_change(goal: str, context: Mapping[str, Any]) -> dict[str, Any]:
    return _sections(goal, ["Change plan", "Affected files", "Test plan", "Rollback"], "change-plan.md", "part")


def tailor(goal: str, context: Mapping[str, Any]) -> dict[str, Any]:
    resume, post = str(context.get("resume", "")), str(context.get("job_post") or context.get("job_description", ""))
    brief = "Requirements:\n{{ requirements }}\n\nStrengths (facts from the resume only):\n{{ strengths }}\n"
    facts = {"requirements": {"$ref": "requirements.output.text"}, "strengths": {"$ref": "strengths.output.text"}}
    return {
        "tasks": [
            {"id": "resume", "tool": WRITE, "title": "Keep the resume", "inputs": {"path": "resume.md", "content": resume}},
            _text("requirements", f"List the requirements of this job post:\n\n{post}"),
            _text("strengths", f"List the strengths in this resume, inventing nothing:\n\n{resume}", depends_on=["resume"]),
            {"id": "brief", "tool": RENDER, "title": "Match requirements to strengths",
             "inputs": {"template": brief, "data": facts, "path": "brief.md", "artifact": False}},
            _text("tailored", "", inputs={"prompt": {"$ref": "brief.output.markdown"},
                                          "system": "Rewrite the resume for this job using only facts it contains."}),
            _text("cover_letter", "", inputs={"prompt": {"$ref": "brief.output.markdown"},
                                              "system": "Write a short cover letter using only these facts."}),
            _join("assemble", "Tailored application", {"Resume": "tailored", "Cover letter": "cover_letter"}, "application.md"),
        ]
    }  # fmt: skip


def openapi(goal: str, context: Mapping[str, Any]) -> dict[str, Any]:
    return _sections(
        goal, ["Resources and operations", "Schemas", "Errors and status codes", "Security"], "api-design.md", "part"
    )


register_family(
    "resume-tailoring",
    lambda g, c: bool(re.search(r"\b(resume|cv)\b", g, re.I)) and bool(c.get("resume")),
    tailor,
    tools={WRITE, LLM, RENDER},
)
register_family("openapi-spec", _words("openapi", "swagger", "api spec"), openapi, tools={LLM, RENDER})
register_family(
    "code-change",
    _words("refactor", "fix", "bug", "implement", "code change", "patch"),
    code_change,
    tools={LLM, RENDER},
)
register_family("checklist", _words("checklist", "check list", "steps"), checklist, tools={LLM, RENDER})
register_family(
    "research-summary", _words("research", "investigate", "compare", "survey"), research, tools={LLM, RENDER}
)
register_family(
    "document-report", _words("report", "document", "write-up", "whitepaper", "memo"), report, tools={LLM, RENDER}
)
