"""The evaluator, independent of generation: heuristic coverage and structure, or an LLM judge."""

from __future__ import annotations

import json

import pytest

from planner.tests.openai_stub import completion, openai_stub
from tools.errors import PermanentToolError
from tools.llm.openai_provider import TransientLLMError
from tools.services.tailor.evaluate import evaluate, heuristic
from tools.services.tailor.job import parse_job
from tools.services.tailor.pipeline import tailor_resume
from tools.services.tailor.tests.helpers import JOB_POST, RESUME, Recording

JOB = parse_job(JOB_POST)
KUBERNETES = "- Ran the booking services on Kubernetes in production with Helm charts.\n"


def test_job_post_requirements_are_read_from_its_requirement_sections():
    assert JOB.title == "Staff Backend Engineer" and JOB.company == "Northwind Freight"
    assert len(JOB.requirements) == 9 and [r.optional for r in JOB.requirements].count(True) == 2
    queues = JOB.requirements[2]
    assert queues.names == ["celery"] and queues.phrase() == "asynchronous task queues such as Celery"
    assert JOB.duties[1] == "Lead and mentor a team of five engineers."
    assert {"python", "django", "kubernetes", "terraform"} <= set(JOB.keywords)


def test_coverage_rises_when_a_missing_requirement_is_addressed():
    before = heuristic(RESUME, JOB)
    assert any("Kubernetes" in line for line in before.feedback)
    after = heuristic(RESUME.replace("## Skills", KUBERNETES + "\n## Skills"), JOB)
    assert after.score > before.score
    assert not any("Kubernetes in production" in line for line in after.feedback)


def test_structure_counts_sections_bullets_and_length():
    flat = "# Maria Keller\n\n" + " ".join(["Python Django PostgreSQL Celery AWS Terraform pytest"] * 30)
    grade = heuristic(flat, JOB)
    assert "Add a section: Experience." in grade.feedback and "Add a section: Skills." in grade.feedback
    assert "Describe achievements as bullet points under each role." in grade.feedback
    assert grade.score < heuristic(RESUME, JOB).score
    assert 0.0 <= grade.score <= 1.0


def test_a_job_post_with_nothing_to_match_is_refused():
    with pytest.raises(PermanentToolError, match="no requirements"):
        evaluate(RESUME, "# ???\n\n- …")


def _judge(settings, url, **extra):
    settings.TAILOR_EVAL_MODE = "llm"
    settings.TAILOR_EVAL_PROVIDER = "openai"
    settings.TAILOR_EVAL_OPENAI_MODEL = "judge-model"
    settings.TAILOR_EVAL_OPENAI_MAX_RETRIES = 0
    settings.OPENAI_BASE_URL = url
    settings.OPENAI_API_KEY = "sk-test"
    for name, value in extra.items():
        setattr(settings, name, value)


def test_llm_mode_asks_the_evaluator_model_for_a_score_and_feedback(settings):
    grade = {"score": 0.42, "feedback": ["Show Kubernetes experience.", "Shorten the summary."]}
    with openai_stub([completion(json.dumps(grade))]) as stub:
        _judge(settings, stub.url)
        result = evaluate(RESUME, JOB_POST)
    assert (result.score, result.feedback, result.mode) == (0.42, grade["feedback"], "llm")
    [request] = stub.requests
    assert request["model"] == "judge-model"
    schema = request["response_format"]["json_schema"]
    assert schema["name"] == "grade" and set(schema["schema"]["required"]) == {"score"}
    assert set(schema["schema"]["properties"]) == {"score", "feedback"}
    prompt = request["messages"][-1]["content"]
    assert "Northwind Freight" in prompt and "Lumen Logistics GmbH" in prompt and '"score"' in prompt


def test_llm_mode_drives_the_improvement_rounds_with_the_judge_s_feedback(settings, monkeypatch):
    writer = Recording()
    monkeypatch.setattr("tools.services.tailor.pipeline.generation_provider", lambda: writer)
    answers = [{"score": 0.5, "feedback": ["Bring out the Celery and Terraform work."]}, {"score": 0.9, "feedback": []}]
    with openai_stub([completion(json.dumps(a), 200, 20) for a in answers]) as stub:
        _judge(settings, stub.url)
        result = tailor_resume(RESUME, JOB_POST, threshold=0.8, max_rounds=3)
    assert [(r.round, r.score) for r in result.rounds] == [(1, 0.5), (2, 0.9)]
    assert result.score == 0.9 and result.evaluation_mode == "llm" and len(stub.requests) == 2
    assert "Bring out the Celery and Terraform work." in writer.prompts[1]
    assert result.usage.provider == "mock+openai" and result.usage.tokens_in >= 400


def test_llm_mode_refuses_an_answer_that_is_not_a_grade(settings):
    with openai_stub([completion("Looks great, 9/10!")]) as stub:
        _judge(settings, stub.url)
        with pytest.raises(PermanentToolError, match="evaluator's answer"):
            evaluate(RESUME, JOB_POST)


def test_llm_mode_uses_the_evaluator_timeout(settings):
    with openai_stub([{"hang": 2, **completion("{}")}]) as stub:
        _judge(settings, stub.url, TAILOR_EVAL_OPENAI_TIMEOUT_S=0.3)
        with pytest.raises(TransientLLMError):
            evaluate(RESUME, JOB_POST)


def test_self_mode_asks_the_generation_model(settings):
    with openai_stub([completion(json.dumps({"score": 0.7, "feedback": ["ok"]}))]) as stub:
        settings.TAILOR_EVAL_MODE = "self"
        settings.WORKER_MODE, settings.LLM_PROVIDER = "llm", "openai"
        settings.OPENAI_MODEL, settings.OPENAI_BASE_URL, settings.OPENAI_MAX_RETRIES = "writer-model", stub.url, 0
        result = evaluate(RESUME, JOB_POST)
    assert (result.score, result.mode) == (0.7, "self") and stub.requests[0]["model"] == "writer-model"


def test_with_the_mock_judge_the_llm_modes_return_the_heuristic_grade(settings):
    settings.TAILOR_EVAL_MODE = "llm"
    expected = heuristic(RESUME, JOB)
    result = evaluate(RESUME, JOB_POST)
    assert (result.score, result.feedback, result.mode) == (expected.score, expected.feedback, "llm")


def test_feedback_puts_unmet_requirements_first_and_stays_short():
    post = "# Platform engineer\n\n## Requirements\n" + "".join(f"- Experience with Tool{n}.\n" for n in range(40))
    grade = heuristic(RESUME, parse_job(post))
    assert (
        len(grade.feedback) == 30
        and grade.feedback[0] == "Requirement not addressed: Experience with Tool0. (missing: tool0)"
    )
    assert grade.score < 0.5
