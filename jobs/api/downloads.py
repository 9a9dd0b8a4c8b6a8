"""Download lookups: paths are checked before anything touches storage, and a path that is not
the caller's reads exactly like one that does not exist."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.core.files.storage import storages
from django.db.models import QuerySet
from django.http import FileResponse, Http404

from jobs.actions import workspace_dir
from jobs.models import Artifact, Job
from tools.paths import safe_join


def _checked(path: str) -> str:
    root = Path("/nonexistent-root")
    safe_join(root, path)  # raises PolicyError → 400 naming the problem
    return path


def find_artifact(path: str, jobs: QuerySet[Job]) -> Artifact:
    _checked(path)
    artifact = Artifact.objects.filter(path=path, job__in=jobs).first()
    if artifact is None:
        raise Http404("no such artifact")
    return artifact


def artifact_response(artifact: Artifact) -> FileResponse:
    handle = storages["artifacts"].open(artifact.path, "rb")
    response = FileResponse(handle, as_attachment=True, filename=artifact.name.rsplit("/", 1)[-1])
    response["Content-Type"] = artifact.content_type
    return response


def find_workspace_file(path: str, jobs: QuerySet[Job]) -> Path | None:
    _checked(path)
    job_part, _, rest = path.partition("/")
    try:
        job_id = uuid.UUID(job_part)
    except ValueError:
        return None
    if not rest or not jobs.filter(pk=job_id).exists():
        return None
    target = safe_join(workspace_dir(job_id), rest)
    return target if target.is_file() else None
