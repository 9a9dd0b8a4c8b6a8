"""Archives: zip the job workspace (or a folder of it) into a workspace file and an artifact."""

from __future__ import annotations

import fnmatch
import zipfile
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from tools.errors import CancelledError, PermanentToolError
from tools.paths import safe_join
from tools.registry import tool
from tools.spec import ToolContext

MAX_ARCHIVE_INPUT_BYTES = 200 * 1024 * 1024  # uncompressed total a zip may hold


class ZipWorkspaceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    folder: str = Field(default=".", max_length=512, description="Folder inside the workspace to zip")
    pattern: str = Field(default="*", max_length=128, description="Glob on file names, e.g. *.md")
    path: str = Field(
        default="workspace.zip", min_length=1, max_length=512, pattern=r"\.zip$", description="Output .zip path"
    )


class ZipWorkspaceOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str
    files: int
    bytes: int = Field(description="Size of the zip file")
    uncompressed_bytes: int
    artifact: str


def _members(root: Path, folder: Path, pattern: str, skip: set[Path]) -> Iterator[Path]:
    """Regular files under ``folder`` matching ``pattern``, sorted; symlinks, dotfiles and
    dot-folders are left out, as are the files in ``skip``."""
    for item in sorted(folder.rglob("*")):
        if item in skip or item.is_symlink() or not item.is_file():
            continue
        if any(part.startswith(".") for part in item.relative_to(root).parts):
            continue
        if fnmatch.fnmatch(item.name, pattern):
            yield item


@tool("core.zip_workspace", input=ZipWorkspaceIn, output=ZipWorkspaceOut, timeout_s=300)
def zip_workspace(inp: ZipWorkspaceIn, ctx: ToolContext) -> ZipWorkspaceOut:
    """Zip the workspace or one of its folders into a .zip file and publish it as an artifact.

    Optionally only files whose names match a glob; symlinks and dotfiles are skipped."""
    root = ctx.workspace.resolve()
    folder = root if inp.folder in ("", ".") else safe_join(ctx.workspace, inp.folder)
    if folder != root and not folder.is_dir():
        raise PermanentToolError(f"no folder {inp.folder!r} in the workspace", field="folder")
    target = safe_join(ctx.workspace, inp.path)
    partial = target.with_name(f".{target.name}.tmp")
    members = list(_members(root, folder, inp.pattern, {target, partial})) if folder.is_dir() else []
    total = sum(item.stat().st_size for item in members)
    if total > MAX_ARCHIVE_INPUT_BYTES:
        raise PermanentToolError(
            f"{len(members)} files of {total} bytes are over the {MAX_ARCHIVE_INPUT_BYTES}-byte archive limit",
            field="folder",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in members:
            if ctx.cancelled():
                break
            archive.write(item, item.relative_to(folder).as_posix())
    if ctx.cancelled():
        partial.unlink()
        raise CancelledError("core.zip_workspace: cancelled")
    partial.replace(target)
    data = target.read_bytes()
    artifact = ctx.save_artifact(inp.path, data, "application/zip")
    return ZipWorkspaceOut(
        path=inp.path, files=len(members), bytes=len(data), uncompressed_bytes=total, artifact=artifact
    )
