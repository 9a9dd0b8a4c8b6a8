"""Workspace file tools. Every path is relative to the job's workspace and cannot leave it."""

from __future__ import annotations

import fnmatch
import hashlib

from pydantic import BaseModel, ConfigDict, Field

from tools.errors import PermanentToolError
from tools.paths import safe_join
from tools.registry import tool
from tools.spec import ToolContext

MAX_FILE_BYTES = 10 * 1024 * 1024


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WriteFileIn(_Strict):
    path: str = Field(min_length=1, max_length=512, description="Path inside the workspace")
    content: str = Field(max_length=MAX_FILE_BYTES, description="Text to write (UTF-8)")


class WriteFileOut(_Strict):
    path: str
    bytes: int
    sha256: str


@tool("core.write_file", input=WriteFileIn, output=WriteFileOut, timeout_s=30)
def write_file(inp: WriteFileIn, ctx: ToolContext) -> WriteFileOut:
    """Write a UTF-8 text file in the job workspace (creating folders), replacing any old one."""
    target = safe_join(ctx.workspace, inp.path)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = inp.content.encode()
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    return WriteFileOut(path=inp.path, bytes=len(data), sha256=hashlib.sha256(data).hexdigest())


class ReadFileIn(_Strict):
    path: str = Field(min_length=1, max_length=512, description="Path inside the workspace")
    max_bytes: int = Field(default=1_000_000, ge=1, le=MAX_FILE_BYTES)


class ReadFileOut(_Strict):
    path: str
    content: str
    bytes: int
    truncated: bool


@tool("core.read_file", input=ReadFileIn, output=ReadFileOut, timeout_s=30)
def read_file(inp: ReadFileIn, ctx: ToolContext) -> ReadFileOut:
    """Read a UTF-8 text file from the job workspace (up to max_bytes)."""
    target = safe_join(ctx.workspace, inp.path)
    if not target.is_file():
        raise PermanentToolError(f"no file {inp.path!r} in the workspace", field="path")
    size = target.stat().st_size
    with target.open("rb") as fh:
        data = fh.read(inp.max_bytes)
    return ReadFileOut(
        path=inp.path,
        content=data.decode("utf-8", errors="replace"),
        bytes=size,
        truncated=size > inp.max_bytes,
    )


class ListFilesIn(_Strict):
    path: str = Field(default=".", max_length=512, description="Folder inside the workspace")
    pattern: str = Field(default="*", max_length=128, description="Glob on file names")


class FileEntry(_Strict):
    path: str
    bytes: int


class ListFilesOut(_Strict):
    files: list[FileEntry]
    count: int


@tool("core.list_files", input=ListFilesIn, output=ListFilesOut, timeout_s=30)
def list_files(inp: ListFilesIn, ctx: ToolContext) -> ListFilesOut:
    """List files under a workspace folder, recursively, sorted by path."""
    root = ctx.workspace.resolve()
    folder = root if inp.path in ("", ".") else safe_join(ctx.workspace, inp.path)
    entries = []
    if folder.is_dir():
        for item in sorted(folder.rglob("*")):
            if item.is_symlink() or not item.is_file():
                continue
            if fnmatch.fnmatch(item.name, inp.pattern) and not item.name.startswith("."):
                entries.append(FileEntry(path=item.relative_to(root).as_posix(), bytes=item.stat().st_size))
    return ListFilesOut(files=entries, count=len(entries))
