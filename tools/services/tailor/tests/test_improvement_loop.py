"""Improvement rounds: generate, guard, evaluate, feed the feedback back, stop at the threshold."""

from __future__ import annotations

import re

import pytest

from tools.errors import PermanentToolError
from tools.services.tailor.pipeline import cover_letter, tailor_resume
from tools.services.tailor.resume import parse_resume
from tools.services.tailor.tests.helpers import JOB_POST, RESUME, RESUME_EMPLOYERS


def test_with_the_mock_each_round_scores_at_least_as_well_as_the_last():
    result = tailor_resume(RESUME, JOB_POST, threshold=1.0, max_rounds=3)
    scores = [r.score for r in result.rounds]
    assert [r.round for r in result.rounds] == [1, 2, 3]
    assert scores == sorted(scores) and scores[-1] > scores[0]
    assert result.score == max(scores)
    # Round 2 answered the feedback: the job's words for requirements the resume meets.
    assert "Relevant to this role: asynchronous task queues such as Celery" in result.markdown
    assert any("Kubernetes" in line for line in result.rounds[-1].feedback)  # not in the resume: never added


def test_the_rounds_stop_once_the_threshold_is_reached():
    scores = [r.score for r in tailor_resume(RESUME, JOB_POST, threshold=1.0, max_rounds=3).rounds]
    result = tailor_resume(RESUME, JOB_POST, threshold=scores[1], max_rounds=3)
    assert [r.round for r in result.rounds] == [1, 2] and result.score >= scores[1]
    assert len(tailor_resume(RESUME, JOB_POST, threshold=0.0, max_rounds=3).rounds) == 1


def test_the_default_threshold_is_0_8_and_rounds_at_most_three():
    result = tailor_resume(RESUME, JOB_POST)
    assert result.score >= 0.8 or len(result.rounds) == 3
    assert len(tailor_resume(RESUME, "Kubernetes, Kafka, Rust and Go.\n").rounds) == 3


def test_the_tailored_resume_puts_the_most_relevant_achievements_first():
    tailored = parse_resume(tailor_resume(RESUME, JOB_POST, threshold=1.0).markdown)
    lumen = tailored.experience[0]
    assert "hackathon" not in tailored.text  # nothing the job asks about
    assert lumen.bullets[0].startswith("Introduced contract tests")  # pytest, contract tests, CI
    assert tailored.skills[:2] == ["Python", "Django"] and tailored.education == parse_resume(RESUME).education


@pytest.mark.parametrize(("field", "kwargs"), [("max_rounds", {"max_rounds": 0}), ("threshold", {"threshold": 1.5})])
def test_out_of_range_arguments_are_permanent_errors_naming_the_field(field, kwargs):
    with pytest.raises(PermanentToolError) as info:
        tailor_resume(RESUME, JOB_POST, **kwargs)
    assert info.value.field == field


def test_an_empty_resume_is_refused():
    with pytest.raises(PermanentToolError, match="no recognisable"):
        tailor_resume("# Jane Doe\n\n## Hobbies\n- Chess\n", JOB_POST)


def test_the_cover_letter_uses_resume_facts_and_names_the_hiring_company():
    letter = cover_letter(RESUME, JOB_POST)
    assert letter.text.startswith("Dear Hiring Manager,") and letter.text.rstrip().endswith("Maria Keller")
    assert "Staff Backend Engineer position at Northwind Freight" in letter.text
    assert "as Senior Backend Engineer at Lumen Logistics GmbH" in letter.text
    assert set(re.findall(r"\b(?:19|20)\d{2}\b", letter.text)) <= set(parse_resume(RESUME).years)
    assert letter.dropped_claims == [] and letter.document.sections[0].heading.startswith("Application for")
    assert all(name in letter.markdown for name in RESUME_EMPLOYERS[:2])
