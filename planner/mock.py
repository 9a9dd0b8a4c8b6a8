"""The mock planner: deterministic and offline. Any goal becomes a fan-out / fan-in DAG that
ends in a Markdown summary artifact."""

from __future__ import annotations

import json
import re
from typing import Any

_STOP = {
    "a", "an", "and", "the", "of", "for", "to", "in", "on", "with", "my", "this", "that", "by",
    "from", "into", "be", "is", "are", "or", "as", "at", "it", "its", "our", "your",
}  # fmt: skip

CHECKLIST = """## Implementation checklist

{% for step in steps %}- [ ] {{ step }}
{% endfor %}"""

RISKS = """## Risks and checks

{% for topic in topics %}- **{{ topic }}**: what could go wrong, and how we will know it works.
{% endfor %}"""

SUMMARY = """# {{ goal }}

_Plan produced by the mock planner; {{ sections|length }} sections from {{ brief }}._

{% for section in sections %}{{ section }}
{% endfor %}"""


NO_CONTEXT = "- (none)\n"


def keywords(goal: str, limit: int = 5) -> list[str]:
    """The goal's distinct content words, in order of appearance."""
    words = re.findall(r"[A-Za-z][A-Za-z0-9\-]+", goal.lower())
    seen = [w for w in dict.fromkeys(words) if w not in _STOP]
    return seen[:limit] or ["goal"]


def mock_plan(goal: str, context: dict[str, Any]) -> dict[str, Any]:
    topics = keywords(goal)
    steps = (
        [f"Define the scope of '{t}'" for t in topics[:2]]
        + [f"Implement and test {t}" for t in topics]
        + ["Review the result against the goal", "Publish the summary artifact"]
    )
    context_lines = "".join(f"- {key}: {json.dumps(value)[:200]}\n" for key, value in sorted(context.items()))
    brief = f"# Goal\n\n{goal}\n\n## Context\n\n{context_lines or NO_CONTEXT}"
    return {
        "tasks": [
            {
                "id": "brief",
                "tool": "core.write_file",
                "title": "Write the brief",
                "inputs": {"path": "brief.md", "content": brief},
            },
            {
                "id": "checklist",
                "tool": "core.render_markdown",
                "title": "Draft the checklist",
                "inputs": {
                    "template": CHECKLIST,
                    "data": {"steps": steps},
                    "path": "sections/checklist.md",
                    "artifact": False,
                },
                "depends_on": ["brief"],
            },
            {
                "id": "risks",
                "tool": "core.render_markdown",
                "title": "List risks and checks",
                "inputs": {
                    "template": RISKS,
                    "data": {"topics": topics},
                    "path": "sections/risks.md",
                    "artifact": False,
                },
                "depends_on": ["brief"],
            },
            {
                "id": "summary",
                "tool": "core.render_markdown",
                "title": "Summarise into an artifact",
                "inputs": {
                    "template": SUMMARY,
                    "data": {
                        "goal": goal,
                        "brief": {"$ref": "brief.output.path"},
                        "sections": [
                            {"$ref": "checklist.output.markdown"},
                            {"$ref": "risks.output.markdown"},
                        ],
                    },
                    "path": "summary.md",
                },
            },
        ]
    }
