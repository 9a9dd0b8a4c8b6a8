"""A resume tailored for real: heuristic planner → worker → the tailor MCP service (stdio
subprocess) → documents.render → .docx artifacts a user downloads."""

from __future__ import annotations

import io

import docx
import pytest

from tools.services.tailor.tests.helpers import JOB_POST, RESUME, RESUME_EMPLOYERS

pytestmark = pytest.mark.integration


def test_tailor_my_resume_produces_a_docx_resume_and_a_cover_letter(stack_factory):
    stack = stack_factory("embedded", PLANNER_MODE="heuristic")
    stack.start_web()
    stack.start_worker()
    context = {"resume": RESUME, "job_post": JOB_POST}
    job = stack.submit({"goal": "Tailor my resume to this job post", "context_json": context})
    assert stack.wait(job["id"], timeout=180)["status"] == "succeeded", stack.logs()

    details = stack.get(f"/api/jobs/{job['id']}/details").json()
    assert details["plan"]["source"] == "heuristic:resume-tailoring"
    tools = {t["id"]: t["tool"] for t in details["tasks"]}
    assert tools["tailor"] == "mcp.tailor.tailor_resume" and tools["letter"] == "mcp.tailor.cover_letter"
    artifacts = {a["name"]: a for a in details["artifacts"]}
    assert {"tailored-resume.docx", "tailored-resume.md", "cover-letter.docx", "cover-letter.md"} <= set(artifacts)

    resume = docx.Document(io.BytesIO(stack.get(artifacts["tailored-resume.docx"]["download_url"]).content))
    text = "\n".join(p.text for p in resume.paragraphs)
    assert resume.paragraphs[0].text == "Maria Keller"
    assert all(employer in text for employer in RESUME_EMPLOYERS)
    letter = docx.Document(io.BytesIO(stack.get(artifacts["cover-letter.docx"]["download_url"]).content))
    assert "Northwind Freight" in "\n".join(p.text for p in letter.paragraphs)

    tailor = stack.get(f"/api/jobs/{job['id']}/tasks/tailor").json()
    assert tailor["output"]["dropped_claims"] == [] and 0 < tailor["output"]["score"] <= 1
