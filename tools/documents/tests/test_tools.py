"""The documents tools through the runtime, on the mock LLM and on the real SDK against a local
OpenAI-compatible server."""

from __future__ import annotations

import io
import json

import pytest
from docx import Document

from planner.tests.openai_stub import completion
from tools import registry
from tools.documents.author import MAX_FIXES
from tools.documents.render import DOCX_CONTENT_TYPE
from tools.documents.tests.factories import bullets, full_doc, para, raw_doc, section, table
from tools.errors import PermanentToolError, PolicyError
from tools.tests.toolctx import call, make_ctx

GOAL = "Write a memo about the office move"
CONTEXT = "We move on 1 May.\n- Pack desks\n- Label boxes"
REQUIREMENTS = ["parking for staff", "the new office address"]


@pytest.fixture
def ctx(tmp_path):
    return make_ctx(tmp_path)


@pytest.fixture
def llm(worker_llm):
    return worker_llm


def test_the_llm_backed_tools_run_on_the_llm_queue():
    queues = {name: registry.get(name).queue for name in registry.catalogue() if name.startswith("documents.")}
    assert queues == {
        "documents.generate": "llm",
        "documents.improve": "llm",
        "documents.iterate": "llm",
        "documents.render": "tools",
        "documents.validate": "tools",
    }


def test_generate_on_the_mock_drafts_from_the_goal_and_context(ctx):
    out = call("documents.generate", {"goal": GOAL, "context": CONTEXT}, ctx)
    spec = out["spec"]
    assert spec["title"] == "Memo about the office move"
    assert [s["heading"] for s in spec["sections"]] == ["Purpose", "Context", "Scope", "Next steps"]
    assert spec["sections"][1]["blocks"] == [para("We move on 1 May."), bullets("Pack desks", "Label boxes")]
    assert out["problems"] == []
    assert [u.provider for u in ctx.usage] == ["mock"]


def test_validate_lists_problems_and_returns_a_repaired_copy(ctx):
    raw = raw_doc(section("Intro", para("Hi")), section("intro", para("Again")), section("Data", table(["a"])))
    out = call("documents.validate", {"spec": raw}, ctx)
    assert out["valid"] is False
    assert out["problems"] == ["section 3 'Data' has an empty table", "heading 'intro' appears 2 times"]
    assert [s["heading"] for s in out["repaired"]["sections"]] == ["Intro"]
    assert out["remaining"] == []
    assert call("documents.validate", {"spec": full_doc().model_dump()}, ctx)["valid"] is True


def test_improve_on_the_mock_adds_a_section_per_missing_requirement(ctx):
    spec = call("documents.generate", {"goal": GOAL}, ctx)["spec"]
    feedback = [f"Missing requirement: {r}" for r in REQUIREMENTS]
    out = call("documents.improve", {"spec": spec, "feedback": feedback}, ctx)
    assert [s["heading"] for s in out["spec"]["sections"]][-2:] == ["Parking for staff", "The new office address"]
    assert len(ctx.usage) == 2


def test_iterate_reaches_the_threshold_in_two_rounds_on_the_mock(ctx):
    inputs = {"goal": GOAL, "context": CONTEXT, "requirements": REQUIREMENTS, "threshold": 0.95}
    out = call("documents.iterate", inputs, ctx)
    assert out["rounds"] == 2 and out["reached"] is True and out["feedback"] == []
    assert out["scores"] == [0.3, 1.0]
    assert "Parking for staff" in [s["heading"] for s in out["spec"]["sections"]]
    assert len(ctx.usage) == 2  # generate, then one improve


def test_iterate_stops_at_max_rounds_and_says_what_is_still_missing(ctx):
    out = call("documents.iterate", {"goal": GOAL, "requirements": REQUIREMENTS, "max_rounds": 1}, ctx)
    assert out["rounds"] == 1 and out["reached"] is False
    assert out["feedback"] == [f"Missing requirement: {r}" for r in REQUIREMENTS]


def test_render_writes_docx_and_markdown_and_publishes_them(ctx):
    out = call("documents.render", {"spec": full_doc().model_dump(), "name": "out/plan"}, ctx)
    assert [(f["path"], f["content_type"], f["artifact"]) for f in out["files"]] == [
        ("out/plan.docx", DOCX_CONTENT_TYPE, "job/out/plan.docx"),
        ("out/plan.md", "text/markdown", "job/out/plan.md"),
    ]
    docx_bytes = (ctx.workspace / "out/plan.docx").read_bytes()
    assert Document(io.BytesIO(docx_bytes)).paragraphs[0].text == "Release plan"
    assert (ctx.workspace / "out/plan.md").read_text().startswith("# Release plan\n")
    assert [(n, ct) for n, _, ct in ctx.saved] == [
        ("out/plan.docx", DOCX_CONTENT_TYPE),
        ("out/plan.md", "text/markdown"),
    ]
    assert ctx.saved[0][1] == docx_bytes


def test_render_refuses_a_path_outside_the_workspace(ctx):
    with pytest.raises(PolicyError):
        call("documents.render", {"spec": full_doc().model_dump(), "name": "../escape"}, ctx)


def test_an_invalid_spec_is_a_permanent_error_naming_the_field(ctx):
    bad = raw_doc(section("Intro", para("Hi"), level=5))
    with pytest.raises(PermanentToolError) as info:
        call("documents.render", {"spec": bad}, ctx)
    assert info.value.field == "spec.sections.0.level"
    ragged = raw_doc(section("Data", table(["a", "b"], ["1"])))
    with pytest.raises(PermanentToolError, match=r"(?s)spec\.sections\.0\.blocks\.0\.table.*row 0 has 1 cells") as info:
        call("documents.validate", {"spec": ragged}, ctx)
    assert info.value.field == "spec.sections.0.blocks.0.table"  # a model validator's error names its field too


def test_an_invalid_llm_answer_gets_the_errors_back_then_succeeds(ctx, llm):
    good = full_doc().model_dump()
    ragged = raw_doc(section("Data", table(["a", "b"], ["1"])))
    stub = llm([completion(json.dumps(ragged)), completion(json.dumps(good))])
    out = call("documents.generate", {"goal": GOAL}, ctx)
    assert out["spec"]["title"] == "Release plan"
    assert len(stub.requests) == 2
    retry = stub.requests[1]["messages"][-1]["content"]
    assert "sections.0.blocks.0.table" in retry and "row 0 has 1 cells" in retry
    assert stub.requests[1]["response_format"]["json_schema"]["name"] == "DocumentSpec"
    assert [u.tokens_in for u in ctx.usage] == [100, 100]


def test_an_llm_that_never_gives_a_valid_spec_fails_permanently_naming_the_field(ctx, llm):
    stub = llm([completion(json.dumps({"title": "T", "sections": []}))] * (1 + MAX_FIXES))
    with pytest.raises(PermanentToolError, match="no valid DocumentSpec in 3 attempts") as info:
        call("documents.generate", {"goal": GOAL}, ctx)
    assert info.value.field == "sections"
    assert len(stub.requests) == 1 + MAX_FIXES and len(ctx.usage) == 1 + MAX_FIXES
