"""The shapes generation produces and the guard reports: a draft resume and the claims taken out."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class DraftEntry(BaseModel):
    model_config = ConfigDict(extra="ignore")

    employer: str = Field(max_length=200)
    title: str = Field(default="", max_length=200)
    dates: str = Field(default="", max_length=100)
    bullets: list[str] = Field(default_factory=list, max_length=30)


class Draft(BaseModel):
    """A tailored resume's variable part. Name, contact and education are copied from the resume."""

    model_config = ConfigDict(extra="ignore")

    summary: str = Field(default="", max_length=3000)
    experience: list[DraftEntry] = Field(default_factory=list, max_length=30)
    skills: list[str] = Field(default_factory=list, max_length=80)


class LetterDraft(BaseModel):
    model_config = ConfigDict(extra="ignore")

    paragraphs: list[str] = Field(min_length=1, max_length=12)


ClaimKind = Literal["employer", "title", "dates", "year", "skill", "name"]


class DroppedClaim(BaseModel):
    """A claim the generator made that the resume does not support, and what the guard did."""

    kind: ClaimKind
    value: str
    where: str = Field(description="where the claim was: summary, experience[1], skills, letter, ...")
    action: Literal["dropped", "replaced"]
    replacement: str = ""
