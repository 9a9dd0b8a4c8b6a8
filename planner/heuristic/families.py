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


TAILOR, LETTER, DOCUMENT = "mcp.tailor.tailor_resume", "mcp.tailor.cover_letter", "documents.render"


def _job_post(context: Mapping[str, Any]) -> str:
    return str(context.get("job_post") or context.get("job_description") or "")


def _is_resume_goal(goal: str, context: Mapping[str, Any]) -> bool:
    return bool(re.search(r"\b(resume|cv)\b", goal, re.I)) and bool(context.get("resume"))


def tailor_with_service(goal: str, context: Mapping[str, Any]) -> dict[str, Any]:
    """The tailor MCP service writes the resume (guarded against invented employers, titles and
    dates, improved until its evaluator is satisfied) and the letter; both render to .docx and .md."""
    texts = {"resume": str(context["resume"]), "job_description": _job_post(context)}
    return {
        "tasks": [
            {"id": "tailor", "tool": TAILOR, "title": "Tailor the resume to the job post", "inputs": texts},
            _render_document("resume_files", "tailor", "tailored-resume"),
            {"id": "letter", "tool": LETTER, "title": "Write the cover letter", "inputs": texts},
            _render_document("letter_files", "letter", "cover-letter"),
        ]
    }


def _render_document(task_id: str, source: str, name: str) -> dict[str, Any]:
    spec = {"$ref": f"{source}.output.document"}
    return {
        "id": task_id,
        "tool": DOCUMENT,
        "title": f"Render {name} (.docx, .md)",
        "inputs": {"spec": spec, "name": name, "formats": ["docx", "md"]},
    }


def tailor(goal: str, context: Mapping[str, Any]) -> dict[str, Any]:
    """Without the tailor service: LLM steps that match requirements to the resume's strengths."""
    resume, post = str(context.get("resume", "")), _job_post(context)
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


OPENAPI = "openapi.generate"
_API_DESIGN = (
    "# {{ title }}\n\nThe specification is `{{ spec_path }}`: {{ paths }} paths, {{ operations | length }} operations."
    "\n\n## Operations\n\n| Method | Path | Summary |\n| --- | --- | --- |\n"
    "{% for op in operations %}| {{ op.method }} | `{{ op.path }}` | {{ op.summary }} |\n{% endfor %}"
    "\n## Schemas\n\n{% for name in schemas %}- `{{ name }}`\n{% endfor %}\n"
    "{% for name, body in sections.items() %}## {{ name }}\n\n{{ body }}\n\n{% endfor %}"
)


def openapi(goal: str, context: Mapping[str, Any]) -> dict[str, Any]:
    """The validated spec (openapi.generate) beside design notes, joined into api-design.md."""
    description = "\n\n".join(str(v) for v in (goal, context.get("description")) if v)[:20_000]
    notes = {"Errors and status codes": "errors", "Security": "security", "Versioning and pagination": "versioning"}
    facts = {key: {"$ref": f"spec.output.{key}"} for key in ("spec_path", "paths", "operations", "schemas")}
    sections = {name: {"$ref": f"{task_id}.output.text"} for name, task_id in notes.items()}
    return {
        "tasks": [
            {"id": "spec", "tool": OPENAPI, "title": "Write and validate the OpenAPI spec",
             "inputs": {"description": description, "title": str(context.get("title", ""))[:200]}},
            *(_text(task_id, f"Write the '{name}' notes of the API design for: {goal}") for name, task_id in notes.items()),
            {"id": "assemble", "tool": RENDER, "title": "Assemble api-design.md",
             "inputs": {"template": _API_DESIGN, "path": "api-design.md",
                        "data": {"title": goal, **facts, "sections": sections}}},
        ]
    }  # fmt: skip


register_family(
    "resume-tailoring",
    lambda g, c: _is_resume_goal(g, c) and bool(_job_post(c)),
    tailor_with_service,
    tools={TAILOR, LETTER, DOCUMENT},
)
register_family("resume-tailoring-llm", _is_resume_goal, tailor, tools={WRITE, LLM, RENDER})
register_family("openapi-spec", _words("openapi", "swagger", "api spec"), openapi, tools={OPENAPI, LLM, RENDER})
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
