"""Parsing a resume (plain text or Markdown) into facts: who, where, when, what was achieved.

The facts are what generation may use and what the guard checks generated text against. The
parser is deterministic and forgiving: Markdown headings or plain-text headings (``EXPERIENCE``,
``Skills:``), entry headers such as ``### Senior Engineer — Acme`` / ``Acme | Engineer | 2019 - 2021``
/ ``Engineer at Acme (2019-2021)``, dates on the header or on the line below, and bullets in
``-``, ``*``, ``•`` or ``1.`` style.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
YEAR = r"(?:19|20)\d{2}"
DATE = rf"(?:{MONTH}\s+{YEAR}|\d{{1,2}}/{YEAR}|{YEAR})"
OPEN_END = r"(?:present|current|now|today)"
DATE_RANGE = re.compile(rf"\(?\b{DATE}(?:\s*(?:[\u2013\u2014-]|to)\s*(?:{DATE}|{OPEN_END}))?\b\)?", re.I)
EN_DASH, EM_DASH = "\u2013", "\u2014"
DASHES = f"-{EN_DASH}{EM_DASH}"
YEARS = re.compile(rf"\b{YEAR}\b")

SECTION_NAMES = {
    "summary": ("summary", "profile", "about", "about me", "objective", "professional summary", "overview"),
    "experience": (
        "experience", "work experience", "professional experience", "employment", "employment history",
        "work history", "career history", "relevant experience",
    ),
    "skills": ("skills", "technical skills", "core skills", "key skills", "competencies", "technologies"),
    "education": ("education", "education and training", "academic background", "qualifications"),
}  # fmt: skip
ROLE_NOUNS = tuple(
    re.findall(
        r"\S+",
        """engineer developer programmer manager lead head director analyst designer scientist architect consultant
        specialist administrator officer intern associate coordinator assistant president vp founder co-founder cto
        ceo owner researcher technician writer editor accountant advisor representative supervisor teacher lecturer
        nurse tester sre devops""",
    )
)
TITLE_WORDS = re.compile(rf"\b({'|'.join(ROLE_NOUNS)})\b", re.I)
BULLET = re.compile(r"^\s*(?:[-*•·▪‣]|\d{1,2}[.)])\s+")
HEADING = re.compile(r"^\s*(#{1,6})\s+(.*)$")
SEPARATORS = re.compile(r"\s+[\u2013\u2014|@]\s+|\s+-\s+|\s*\|\s*|,\s+|\s+at\s+", re.I)
LIST_SPLIT = re.compile(r"\s*[,;|·•]\s*")


class Experience(BaseModel):
    employer: str = ""
    title: str = ""
    dates: str = ""
    bullets: list[str] = Field(default_factory=list)


class ExtraSection(BaseModel):
    heading: str
    lines: list[str] = Field(default_factory=list)


class ResumeFacts(BaseModel):
    name: str = ""
    contact: list[str] = Field(default_factory=list)
    summary: str = ""
    experience: list[Experience] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    education: list[str] = Field(default_factory=list)
    other: list[ExtraSection] = Field(default_factory=list)
    years: list[str] = Field(default_factory=list, description="every year the resume mentions")
    text: str = Field(default="", description="the resume as given")


def normalise(text: str) -> str:
    """Lowercase, plain dashes, single spaces, no Markdown emphasis: how facts are compared."""
    text = re.sub(r"[*_`]", "", text).replace(EN_DASH, "-").replace(EM_DASH, "-").lower()
    return re.sub(r"\s*-\s*", " - ", re.sub(r"\s+", " ", text)).strip(" .,;:()")


def _plain(line: str) -> str:
    return re.sub(r"\*\*|__|`", "", line).strip()


def _section_key(line: str) -> tuple[str, str] | None:
    """``(key, heading)`` when the line is a section heading; key is '' for a section we keep verbatim."""
    heading = HEADING.match(line)
    text = _plain(heading.group(2) if heading else line).rstrip(":").strip()
    lowered = text.lower()
    for key, names in SECTION_NAMES.items():
        if lowered in names:
            return key, text
    if heading and len(heading.group(1)) <= 2:
        return "", text
    if not heading and text.isupper() and 2 < len(text) < 40 and not BULLET.match(line):
        return "", text.title()
    return None


def find_dates(line: str) -> str:
    match = DATE_RANGE.search(line)
    return match.group(0).strip("() ") if match else ""


def split_header(line: str) -> tuple[str, str, str]:
    """``(employer, title, dates)`` of an entry header line."""
    text = _plain(HEADING.sub(r"\2", line))
    dates = find_dates(text)
    if dates:
        text = DATE_RANGE.sub(" ", text, count=1)
    text = re.sub(r"\(\s*\)", " ", text).strip(f" \t,|{DASHES}")
    parts = [p.strip(f" ,|{DASHES}") for p in SEPARATORS.split(text) if p.strip(f" ,|{DASHES}")]
    if " at " in f" {text.lower()} " and len(parts) >= 2:
        return parts[1], parts[0], dates
    titled = [p for p in parts if TITLE_WORDS.search(p)]
    if len(parts) >= 2 and titled:
        title = titled[0]
        employer = next(p for p in parts if p != title)
        return employer, title, dates
    if len(parts) >= 2:
        return parts[1], parts[0], dates
    only = parts[0] if parts else ""
    return ("", only, dates) if TITLE_WORDS.search(only) else (only, "", dates)


def _is_dates_only(line: str) -> bool:
    dates = find_dates(line)
    return bool(dates) and len(_plain(line).strip("()*_ ")) <= len(dates) + 4


def _looks_like_header(line: str, following: str) -> bool:
    """A non-bullet line inside an entry starts the next entry when it carries or precedes dates,
    is a heading, or is short and no sentence and either separated (``Engineer, Acme``) or followed
    by another line of a header (``Acme`` over ``Engineer``)."""
    if HEADING.match(line) or find_dates(line) or _is_dates_only(following):
        return True
    text = _plain(line)
    if len(text) >= 90 or text.endswith("."):
        return False
    return len(SEPARATORS.split(text)) >= 2 or bool(following and not BULLET.match(following))


def _new_dates(entry: Experience, line: str) -> bool:
    return bool(entry.dates and find_dates(line))


def _complete_header(entry: Experience, line: str) -> None:
    """A line between an entry's header and its bullets: dates, the missing employer or title, or a
    detail (location, team) kept as the entry's first bullet."""
    employer, title, dates = split_header(line)
    if dates and not entry.dates:
        entry.dates = dates
    elif not (entry.employer and entry.title) and not dates:
        entry.employer = entry.employer or employer
        entry.title = entry.title or title
    else:
        entry.bullets.append(_plain(line))


def _parse_experience(lines: list[str]) -> list[Experience]:
    entries: list[Experience] = []
    body = [line.rstrip() for line in lines if line.strip()]
    for index, line in enumerate(body):
        following = body[index + 1] if index + 1 < len(body) else ""
        current = entries[-1] if entries else None
        if BULLET.match(line) and not HEADING.match(line):
            if current is None:
                current = Experience()
                entries.append(current)
            current.bullets.append(_plain(BULLET.sub("", line, count=1)))
        elif current is not None and line.startswith(("  ", "\t")) and current.bullets:
            current.bullets[-1] += " " + line.strip()  # a wrapped bullet
        elif current is not None and not current.bullets and not HEADING.match(line) and not _new_dates(current, line):
            _complete_header(current, line)
        elif current is not None and current.bullets and not _looks_like_header(line, following):
            current.bullets.append(_plain(line))  # a prose line inside an entry
        else:
            employer, title, dates = split_header(line)
            entries.append(Experience(employer=employer, title=title, dates=dates))
    return [e for e in entries if e.employer or e.title or e.bullets]


def _items(lines: list[str]) -> list[str]:
    """Skills: comma, semicolon or bullet separated, with ``Label:`` prefixes dropped."""
    items: list[str] = []
    for line in lines:
        for item in LIST_SPLIT.split(_plain(BULLET.sub("", line, count=1))):
            item = item.split(":", 1)[-1].strip(" .")
            if item:
                items.append(item)
    return list(dict.fromkeys(items))


def parse_resume(text: str) -> ResumeFacts:
    lines = text.replace("\r\n", "\n").split("\n")
    header: list[str] = []
    sections: list[tuple[str, str, list[str]]] = []
    for line in lines:
        found = _section_key(line) if line.strip() and (sections or header) else None
        if found is not None:
            sections.append((found[0], found[1], []))
        elif sections:
            sections[-1][2].append(line)
        elif line.strip():
            header.append(line)
    facts = ResumeFacts(text=text, years=sorted(set(YEARS.findall(text))))
    first = _plain(HEADING.sub(r"\2", header[0])) if header else ""
    named = bool(first) and len(first.split()) <= 5 and not re.search(r"[\d.,;:]", first)
    if not sections:  # no headings at all: a name line maybe, then prose
        facts.name = first if named else ""
        facts.summary = " ".join(_plain(line) for line in header[1 if named else 0 :])
    elif header:
        facts.name = first
        facts.contact = [_plain(BULLET.sub("", line, count=1)) for line in header[1:]]
    for key, heading, body in sections:
        content = [line for line in body if line.strip()]
        if key == "summary":
            facts.summary = " ".join(_plain(line) for line in content)
        elif key == "experience":
            facts.experience += _parse_experience(body)
        elif key == "skills":
            facts.skills += _items(content)
        elif key == "education":
            facts.education += [_plain(BULLET.sub("", line, count=1)) for line in content]
        else:
            facts.other.append(ExtraSection(heading=heading, lines=[line.rstrip() for line in content]))
    return facts
