"""Text search in the job workspace: plain text or a regular expression, line by line."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from tools.errors import CancelledError, PermanentToolError
from tools.paths import safe_join
from tools.registry import tool
from tools.spec import ToolContext

MAX_SEARCH_FILE_BYTES = 10 * 1024 * 1024  # larger files are skipped
MAX_LINE_CHARS = 500  # a matching line is returned cut to this length
_SNIFF_BYTES = 8192


class SearchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pattern: str = Field(min_length=1, max_length=1000, description="Text, or a regular expression if regex")
    regex: bool = Field(default=False, description="Treat pattern as a Python regular expression")
    case_sensitive: bool = Field(default=True)
    path: str = Field(default=".", max_length=512, description="Folder inside the workspace to search")
    glob: str = Field(default="*", max_length=128, description="Glob on file names, e.g. *.md")
    max_results: int = Field(default=100, ge=1, le=10_000, description="Stop after this many matches")


class Match(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str
    line: int = Field(description="1-based line number")
    text: str


class SearchOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    matches: list[Match]
    count: int
    truncated: bool = Field(description="True when max_results cut the list")
    files_searched: int


def _compile(inp: SearchIn) -> re.Pattern[str]:
    flags = 0 if inp.case_sensitive else re.IGNORECASE
    source = inp.pattern if inp.regex else re.escape(inp.pattern)
    try:
        return re.compile(source, flags)
    except re.error as exc:
        raise PermanentToolError(f"pattern is not a valid regular expression: {exc}", field="pattern") from exc


def _candidates(root: Path, folder: Path, glob: str) -> Iterator[Path]:
    """Regular text-sized files under ``folder`` whose name matches ``glob``, sorted; no
    symlinks, no dotfiles and nothing inside a dot-folder."""
    for item in sorted(folder.rglob("*")):
        relative = item.relative_to(root).parts
        if any(part.startswith(".") for part in relative) or item.is_symlink() or not item.is_file():
            continue
        if fnmatch.fnmatch(item.name, glob) and item.stat().st_size <= MAX_SEARCH_FILE_BYTES:
            yield item


def _text(path: Path) -> str | None:
    """The file's text, or None for a binary file (a NUL byte near the start)."""
    data = path.read_bytes()
    if b"\x00" in data[:_SNIFF_BYTES]:
        return None
    return data.decode("utf-8", errors="replace")


def _lines(text: str) -> list[str]:
    """Lines split on newlines only (as editors number them), without their line ending."""
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


@tool("core.search", input=SearchIn, output=SearchOut, timeout_s=60)
def search(inp: SearchIn, ctx: ToolContext) -> SearchOut:
    """Search workspace text files for a text or regex pattern.

    Returns the matching lines with their 1-based line numbers; skips binary files and dotfiles."""
    compiled = _compile(inp)
    root = ctx.workspace.resolve()
    folder = root if inp.path in ("", ".") else safe_join(ctx.workspace, inp.path)
    matches: list[Match] = []
    searched = 0
    truncated = False
    if folder != root and not folder.is_dir():
        raise PermanentToolError(f"no folder {inp.path!r} in the workspace", field="path")
    for item in _candidates(root, folder, inp.glob) if folder.is_dir() else ():
        if ctx.cancelled():
            raise CancelledError("core.search: cancelled")
        text = _text(item)
        if text is None:
            continue
        searched += 1
        for number, line in enumerate(_lines(text), start=1):
            if compiled.search(line):
                if len(matches) == inp.max_results:
                    truncated = True
                    break
                matches.append(Match(path=item.relative_to(root).as_posix(), line=number, text=line[:MAX_LINE_CHARS]))
        if truncated:
            break
    return SearchOut(matches=matches, count=len(matches), truncated=truncated, files_searched=searched)
