"""The guard: employers, titles, dates, years and skills the resume does not have never get out."""

# ruff: noqa: RUF001 - resumes write date ranges with en dashes, as the fixture does

from __future__ import annotations

from tools.services.tailor.draft import Draft, DraftEntry
from tools.services.tailor.generate import generate_draft
from tools.services.tailor.guard import guard_draft
from tools.services.tailor.job import parse_job
from tools.services.tailor.pipeline import tailor_resume
from tools.services.tailor.resume import parse_resume
from tools.services.tailor.tests.helpers import JOB_POST, RESUME, Scripted
from tools.services.tailor.usage import Spent

FACTS = parse_resume(RESUME)
INVENTED = {
    "summary": "Backend engineer and former Chief Technology Officer. Worked at Google in 2012 on search.",
    "experience": [
        {"employer": "Google", "title": "Staff Engineer", "dates": "2010 – 2012", "bullets": ["Scaled search."]},
        {
            "employer": "Lumen Logistics GmbH",
            "title": "Head of Platform",
            "dates": "Jan 2018 – Present",
            "bullets": [
                "Led the migration to Django services on PostgreSQL.",
                "Ran Kubernetes clusters for Northwind Freight in 2019.",
                "Served as VP of Engineering for two quarters.",
                "Operated the platform on Kubernetes with Helm.",
            ],
        },
    ],
    "skills": ["Python", "Kubernetes", "Django"],
}


def _claims(dropped):
    return {(c.kind, c.value.split(" (")[0], c.action) for c in dropped}


def test_an_invented_employer_title_and_year_are_removed_and_reported():
    guarded, dropped = guard_draft(Draft.model_validate(INVENTED), FACTS)

    assert [(e.employer, e.title, e.dates) for e in guarded.experience] == [
        ("Lumen Logistics GmbH", "Senior Backend Engineer", "Mar 2020 – Present")
    ]
    assert guarded.experience[0].bullets == ["Led the migration to Django services on PostgreSQL."]
    assert guarded.summary == ""  # both sentences made claims
    assert guarded.skills == ["Python", "Django"]
    text = guarded.model_dump_json()
    for invented in (
        "Google",
        "Head of Platform",
        "Staff Engineer",
        "2012",
        "2019",
        "Jan 2018",
        "VP of",
        "Chief",
        "Helm",
    ):
        assert invented not in text
    assert _claims(dropped) >= {
        ("employer", "Google", "dropped"),
        ("title", "Head of Platform", "replaced"),
        ("dates", "Jan 2018 – Present", "replaced"),
        ("year", "2019", "dropped"),
        ("title", "VP of Engineering", "dropped"),
        ("skill", "Kubernetes", "dropped"),
        ("name", "Kubernetes", "dropped"),
    }
    assert [c.replacement for c in dropped if c.kind == "title" and c.action == "replaced"] == [
        "Senior Backend Engineer"
    ]


def test_what_the_resume_says_passes_the_guard_untouched():
    entry = FACTS.experience[1]
    draft = Draft(
        summary="Backend engineer who joined Brightwave Analytics in 2016 as Software Engineer.",
        experience=[
            DraftEntry(employer="Brightwave Analytics", title=entry.title, dates=entry.dates, bullets=entry.bullets)
        ],
        skills=["Terraform", "pytest"],
    )
    guarded, dropped = guard_draft(draft, FACTS)
    assert dropped == [] and guarded == draft


def test_a_shortened_employer_name_is_mapped_to_the_resume_s_name():
    draft = Draft(
        experience=[DraftEntry(employer="Lumen Logistics", title="Senior Backend Engineer", dates="Mar 2020 – Present")]
    )
    guarded, dropped = guard_draft(draft, FACTS)
    assert guarded.experience[0].employer == "Lumen Logistics GmbH" and dropped == []


def test_the_generator_s_inventions_are_dropped_after_generation():
    provider = Scripted(INVENTED)
    draft, dropped, warnings = generate_draft(FACTS, parse_job(JOB_POST), 1, [], provider, Spent())
    assert warnings == [] and {c.kind for c in dropped} == {"employer", "title", "dates", "year", "skill", "name"}
    assert [e.employer for e in draft.experience] == ["Lumen Logistics GmbH"]
    assert "Resume:\n```text\n# Maria Keller" in provider.prompts[0]


def test_a_reply_that_is_not_a_draft_falls_back_to_the_deterministic_draft_with_a_warning():
    draft, dropped, warnings = generate_draft(FACTS, parse_job(JOB_POST), 1, [], Scripted(["not", "a draft"]), Spent())
    assert warnings and "deterministic draft" in warnings[0]
    assert [e.employer for e in draft.experience] == [e.employer for e in FACTS.experience] and dropped == []


def test_a_tailored_resume_names_only_employers_titles_and_dates_of_the_resume():
    result = tailor_resume(RESUME, JOB_POST, threshold=1.0, max_rounds=3)
    tailored = parse_resume(result.markdown)
    facts = {(e.employer, e.title, e.dates) for e in FACTS.experience}
    assert tailored.experience and {(e.employer, e.title, e.dates) for e in tailored.experience} <= facts
    assert set(tailored.years) <= set(FACTS.years)
    assert result.dropped_claims == []  # the offline generator starts from the facts


def test_a_hallucinating_model_s_claims_are_reported_by_tailor_resume(settings, monkeypatch):
    monkeypatch.setattr("tools.services.tailor.pipeline.generation_provider", lambda: Scripted(INVENTED))
    result = tailor_resume(RESUME, JOB_POST, threshold=0.0, max_rounds=1)
    assert "Google" not in result.markdown and "Head of Platform" not in result.markdown
    assert {("employer", "Google"), ("year", "2019")} <= {
        (c.kind, c.value.split(" (")[0]) for c in result.dropped_claims
    }
