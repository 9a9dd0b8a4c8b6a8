"""The typed document model: a title, metadata and sections of typed blocks.

One schema serves validation, the LLM's structured output (``DocumentSpec.model_json_schema()``)
and the renderers; other services (e.g. resume tailoring) build on the same names.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tools.spec import JSON

MAX_TEXT = 20_000
MAX_LINE = 2_000
MAX_ITEMS = 200
MAX_COLUMNS = 20
MAX_ROWS = 500
MAX_BLOCKS = 200
MAX_SECTIONS = 100
MAX_METADATA = 20

Line = Annotated[str, Field(max_length=MAX_LINE)]


def _kind_is_required(schema: JSON) -> None:
    """``kind`` has a Python default, but JSON (an LLM's answer) must always say which block it is."""
    if "kind" in schema.get("properties", {}):
        schema["required"] = ["kind", *[name for name in schema.get("required", []) if name != "kind"]]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_kind_is_required)


class Paragraph(_Model):
    kind: Literal["paragraph"] = "paragraph"
    text: str = Field(max_length=MAX_TEXT)


class BulletList(_Model):
    kind: Literal["bullets"] = "bullets"
    items: list[Line] = Field(max_length=MAX_ITEMS)


class NumberedList(_Model):
    kind: Literal["numbered"] = "numbered"
    items: list[Line] = Field(max_length=MAX_ITEMS)


class Table(_Model):
    kind: Literal["table"] = "table"
    columns: list[Annotated[str, Field(max_length=200)]] = Field(max_length=MAX_COLUMNS)
    rows: list[list[Line]] = Field(default_factory=list, max_length=MAX_ROWS)

    @model_validator(mode="after")
    def _rows_match_columns(self) -> Table:
        for index, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"row {index} has {len(row)} cells but the table has {len(self.columns)} columns")
        return self


class CodeBlock(_Model):
    kind: Literal["code"] = "code"
    language: str = Field(default="", max_length=40)
    code: str = Field(max_length=MAX_TEXT)


Block = Annotated[Paragraph | BulletList | NumberedList | Table | CodeBlock, Field(discriminator="kind")]


class Section(_Model):
    heading: str = Field(min_length=1, max_length=200)
    level: int = Field(default=1, ge=1, le=3)
    blocks: list[Block] = Field(default_factory=list, max_length=MAX_BLOCKS)


class DocumentSpec(_Model):
    title: str = Field(min_length=1, max_length=200)
    metadata: dict[Annotated[str, Field(max_length=60)], Line] = Field(default_factory=dict, max_length=MAX_METADATA)
    sections: list[Section] = Field(min_length=1, max_length=MAX_SECTIONS)
