"""A resume, in Markdown or plain text, becomes facts: name, contact, roles, skills, education."""

# ruff: noqa: RUF001 - resumes write date ranges with en dashes, as the fixture does

from __future__ import annotations

import pytest

from tools.services.tailor.resume import parse_resume, split_header
from tools.services.tailor.tests.helpers import RESUME

PLAIN = """MARIA KELLER
maria.keller@example.com | Berlin

PROFILE
Backend engineer who likes boring, reliable systems.

WORK EXPERIENCE
Senior Backend Engineer, Lumen Logistics GmbH    Mar 2020 - Present
• Led the migration to Django services on PostgreSQL.
• Built a Celery job pipeline on Redis that processes
  2 million shipment events a day.

Brightwave Analytics | Software Engineer | 06/2016 - 02/2020
* Designed REST APIs with Django REST Framework.

Stadtwerke Potsdam
Junior Developer
2014 - 2016
- Automated meter-reading reports with Python.

SKILLS
Languages: Python, SQL; Tools: Docker, Terraform

EDUCATION
B.Sc. Computer Science, TU Berlin, 2010 - 2014
"""


def test_a_markdown_resume_gives_its_name_contact_roles_skills_and_education():
    facts = parse_resume(RESUME)
    assert facts.name == "Maria Keller"
    assert facts.contact[0].startswith("Berlin, Germany") and "github.com/mkeller" in facts.contact[1]
    assert facts.summary.startswith("Backend engineer with nine years")
    assert [(e.employer, e.title, e.dates) for e in facts.experience] == [
        ("Lumen Logistics GmbH", "Senior Backend Engineer", "Mar 2020 – Present"),
        ("Brightwave Analytics", "Software Engineer", "Jun 2016 – Feb 2020"),
        ("Stadtwerke Potsdam", "Junior Developer", "Sep 2014 – May 2016"),
    ]
    assert len(facts.experience[0].bullets) == 5 and facts.experience[0].bullets[0].startswith("Led the migration")
    assert facts.skills[:3] == ["Python", "Django", "Django REST Framework"] and "React" in facts.skills
    assert facts.education == ["B.Sc. Computer Science, Technische Universität Berlin, 2010 – 2014"]
    assert [(s.heading, s.lines) for s in facts.other] == [("Languages", ["German (native), English (fluent)"])]
    assert facts.years == ["2010", "2014", "2016", "2020"]


def test_a_plain_text_resume_with_mixed_header_styles_is_understood():
    facts = parse_resume(PLAIN)
    assert facts.name == "MARIA KELLER" and facts.contact == ["maria.keller@example.com | Berlin"]
    assert facts.summary == "Backend engineer who likes boring, reliable systems."
    assert [(e.employer, e.title, e.dates) for e in facts.experience] == [
        ("Lumen Logistics GmbH", "Senior Backend Engineer", "Mar 2020 - Present"),
        ("Brightwave Analytics", "Software Engineer", "06/2016 - 02/2020"),
        ("Stadtwerke Potsdam", "Junior Developer", "2014 - 2016"),
    ]
    assert (
        facts.experience[0].bullets[1]
        == "Built a Celery job pipeline on Redis that processes 2 million shipment events a day."
    )
    assert facts.skills == ["Python", "SQL", "Docker", "Terraform"]
    assert facts.education == ["B.Sc. Computer Science, TU Berlin, 2010 - 2014"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("### Staff Engineer — Acme Corp", ("Acme Corp", "Staff Engineer", "")),
        ("**Acme Corp** — Data Analyst (2019–2021)", ("Acme Corp", "Data Analyst", "2019–2021")),
        (
            "Product Designer at Blue Fern Studio, Jan 2018 to Dec 2020",
            ("Blue Fern Studio", "Product Designer", "Jan 2018 to Dec 2020"),
        ),
        ("Globex | Head of Platform | 2021 - present", ("Globex", "Head of Platform", "2021 - present")),
    ],
)
def test_entry_headers_split_into_employer_title_and_dates(line, expected):
    assert split_header(line) == expected


def test_a_resume_without_sections_is_a_name_and_a_summary_with_no_invented_structure():
    facts = parse_resume("Jane Doe\nPython engineer at Acme, 2019-2024.\nLikes Django.")
    assert facts.name == "Jane Doe" and facts.summary == "Python engineer at Acme, 2019-2024. Likes Django."
    assert facts.experience == [] and facts.skills == [] and facts.years == ["2019", "2024"]
    one_line = parse_resume("Jane Doe. Python engineer at Acme, 2019-2024.")
    assert one_line.name == "" and one_line.summary == "Jane Doe. Python engineer at Acme, 2019-2024."
