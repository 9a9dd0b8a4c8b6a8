"""Workspace file tools. Every path is relative to the job's workspace and cannot leave it."""

from __future__ import annotations

import fnmatch
import hashlib
import shutil
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, ConfigDict, Field

from tools.errors import PermanentToolError, PolicyError
from tools.paths import safe_join
from tools.registry import tool
from tools.spec import ToolContext

MAX_FILE_BYTES = 10 * 1024 * 1024


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _join(ctx: ToolContext, relative: str, field: str) -> Path:
    """``safe_join`` in the workspace, with a refusal naming the input ``field``."""
    try:
        return safe_join(ctx.workspace, relative)
    except PolicyError as exc:
        raise PolicyError(f"{field}: {exc.message}", field=field) from exc


def _entry(ctx: ToolContext, relative: str, field: str) -> Path:
    """The workspace entry ``relative`` names: a symlink itself rather than its target (it is
    moved or deleted, not what it points to). Refused like ``safe_join``."""
    target = _join(ctx, relative, field)
    name = PurePosixPath(relative).name
    return _join(ctx, str(PurePosixPath(relative).parent), field) / name if name else target


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


class AppendFileIn(_Strict):
    path: str = Field(min_length=1, max_length=512, description="Path inside the workspace")
    content: str = Field(max_length=MAX_FILE_BYTES, description="Text to append (UTF-8)")


class AppendFileOut(_Strict):
    path: str
    appended: int
    bytes: int


@tool("core.append_file", input=AppendFileIn, output=AppendFileOut, timeout_s=30)
def append_file(inp: AppendFileIn, ctx: ToolContext) -> AppendFileOut:
    """Append UTF-8 text to a workspace file, creating it (and its folders) if missing."""
    target = _join(ctx, inp.path, "path")
    if target.is_dir():
        raise PermanentToolError(f"{inp.path!r} is a folder", field="path")
    data = inp.content.encode()
    if target.is_file() and target.stat().st_size + len(data) > MAX_FILE_BYTES:
        raise PermanentToolError(f"{inp.path!r} would grow over {MAX_FILE_BYTES} bytes", field="content")
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("ab") as fh:
        fh.write(data)
    return AppendFileOut(path=inp.path, appended=len(data), bytes=target.stat().st_size)


class MoveFileIn(_Strict):
    src: str = Field(min_length=1, max_length=512, description="File or folder to move, inside the workspace")
    dst: str = Field(min_length=1, max_length=512, description="New path inside the workspace")
    overwrite: bool = Field(default=False, description="Replace an existing file at dst")


class MoveFileOut(_Strict):
    src: str
    dst: str


@tool("core.move_file", input=MoveFileIn, output=MoveFileOut, timeout_s=30)
def move_file(inp: MoveFileIn, ctx: ToolContext) -> MoveFileOut:
    """Move or rename a workspace file or folder; an existing dst is replaced only with overwrite."""
    root = ctx.workspace.resolve()
    src, dst = _entry(ctx, inp.src, "src"), _entry(ctx, inp.dst, "dst")
    if src == root or dst == root:
        raise PolicyError("the workspace itself cannot be moved or replaced", field="src" if src == root else "dst")
    if not src.exists() and not src.is_symlink():
        raise PermanentToolError(f"no file or folder {inp.src!r} in the workspace", field="src")
    if src == dst or src in dst.parents:
        raise PermanentToolError(f"cannot move {inp.src!r} into itself", field="dst")
    if dst.exists() or dst.is_symlink():
        if not inp.overwrite:
            raise PermanentToolError(f"{inp.dst!r} exists; set overwrite to replace it", field="dst")
        if dst.is_dir() and not dst.is_symlink():
            raise PermanentToolError(f"{inp.dst!r} is a folder; it is never replaced", field="dst")
    dst.parent.mkdir(parents=True, exist_ok=True)
    src.replace(dst)
    return MoveFileOut(src=inp.src, dst=inp.dst)


class DeleteFileIn(_Strict):
    path: str = Field(min_length=1, max_length=512, description="File or folder inside the workspace")
    recursive: bool = Field(default=False, description="Required to delete a folder and its content")


class DeleteFileOut(_Strict):
    path: str
    deleted_files: int


@tool("core.delete_file", input=DeleteFileIn, output=DeleteFileOut, timeout_s=60)
def delete_file(inp: DeleteFileIn, ctx: ToolContext) -> DeleteFileOut:
    """Delete a workspace file, or a folder with its content when recursive is true."""
    target = _entry(ctx, inp.path, "path")
    if target == ctx.workspace.resolve():
        raise PolicyError("the workspace itself cannot be deleted", field="path")
    if not target.exists() and not target.is_symlink():
        raise PermanentToolError(f"no file or folder {inp.path!r} in the workspace", field="path")
    if target.is_symlink() or not target.is_dir():
        target.unlink()
        return DeleteFileOut(path=inp.path, deleted_files=1)
    if not inp.recursive:
        raise PermanentToolError(f"{inp.path!r} is a folder; set recursive to delete it", field="recursive")
    count = sum(1 for item in target.rglob("*") if item.is_symlink() or not item.is_dir())
    shutil.rmtree(target)
    return DeleteFileOut(path=inp.path, deleted_files=count)
