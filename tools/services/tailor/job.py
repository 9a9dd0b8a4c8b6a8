"""Reading a job post: its title, the hiring company, its requirements and its key terms."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from tools.services.tailor.resume import BULLET, DASHES, HEADING
from tools.services.tailor.terms import covered, key_terms, ranked_terms

REQUIREMENT_HEADINGS = re.compile(
    r"requirement|qualification|you have|you bring|you will bring|what we.re looking for|about you|"
    r"must.have|nice.to.have|skills|experience|who you are|what you.ll need|what you need",
    re.I,
)
DUTY_HEADINGS = re.compile(r"what you.ll do|what you will do|responsibilit|the role|your role|day to day", re.I)
NAMED = re.compile(r"\b[A-Z][\w+#./-]*|\b\w+[+#/][\w+#/]*")
LEAD_IN = re.compile(
    r"^(?:an?\s+)?(?:\d+\+?\s+years?\s+of\s+)?(?:(?:deep|solid|strong|proven|hands-on)\s+)?"
    r"(?:experience|knowledge|understanding|familiarity|expertise)?\s*(?:with|of|in)?\s*",
    re.I,
)
SENTENCE = re.compile(r"(?<=[.!?])\s+")
AT_COMPANY = re.compile(r"\bat\s+([A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,4})")


class Requirement(BaseModel):
    text: str
    terms: list[str] = Field(default_factory=list)
    names: list[str] = Field(default_factory=list, description="the terms it spells as names: Django, CI/CD")
    optional: bool = False

    @classmethod
    def of(cls, text: str, optional: bool = False) -> Requirement:
        terms = key_terms(text)
        rest = text.split(maxsplit=1)[1:]  # the first word is capitalised anyway
        spelled = {m.lower().rstrip(".") for m in NAMED.findall(rest[0] if rest else "")}
        return cls(text=text, terms=terms, names=[t for t in terms if t in spelled], optional=optional)

    def met_by(self, text: str) -> bool:
        """At least half of the names it spells out are in ``text`` or, naming none, half its terms."""
        terms = self.names or self.terms
        return 2 * len(covered(text, terms)) >= len(terms)

    def fully_met_by(self, text: str) -> bool:
        """Every name it spells out (or, naming none, every term) is in ``text``."""
        terms = self.names or self.terms
        return len(covered(text, terms)) == len(terms)

    def phrase(self) -> str:
        """The requirement as a phrase to mirror: "Experience with task queues such as Celery." ->
        "task queues such as Celery" (years of experience are left out: they are a claim)."""
        core = LEAD_IN.sub("", self.text.strip()).rstrip(".;")
        return core[:1].lower() + core[1:] if core[1:2].islower() else core


class JobPost(BaseModel):
    title: str = ""
    company: str = ""
    requirements: list[Requirement] = Field(default_factory=list)
    duties: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list, description="the post's most frequent key terms")
    text: str = ""


def parse_job(text: str) -> JobPost:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    first = next((line for line in lines if line.strip()), "")
    title_line = HEADING.sub(r"\2", first).strip()
    company_match = AT_COMPANY.search(title_line)
    title = title_line[: company_match.start()].strip(f" ,{DASHES}") if company_match else title_line
    title = re.split(r"[:;(]|\.\s|\.$", title)[0].strip()[:120]
    section = ""
    bullets: list[str] = []
    duties: list[str] = []
    requirements: list[Requirement] = []
    for line in lines[1:]:
        heading = HEADING.match(line)
        if heading or (line.strip().endswith(":") and not BULLET.match(line)):
            section = (heading.group(2) if heading else line).strip()
            continue
        if not BULLET.match(line):
            continue
        item = BULLET.sub("", line, count=1).strip()
        bullets.append(item)
        if DUTY_HEADINGS.search(section):
            duties.append(item)
        elif REQUIREMENT_HEADINGS.search(section):
            optional = bool(re.search(r"nice|bonus|plus|preferred", section, re.I))
            requirements.append(Requirement.of(item, optional))
    if not requirements:  # no recognisable heading: every bullet (or, with none, sentence) is a requirement
        prose = " ".join(HEADING.sub(r"\2", line).strip() for line in lines if line.strip())
        requirements = [Requirement.of(item) for item in bullets or SENTENCE.split(prose) if item.strip()]
    return JobPost(
        title=title,
        company=company_match.group(1).strip() if company_match else "",
        requirements=[r for r in requirements if r.terms],
        duties=duties,
        keywords=ranked_terms([r.text for r in requirements] + duties),
        text=text,
    )
