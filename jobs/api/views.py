"""REST API views: parse, call a plain function, shape the output."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import filters, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from executor.control import cancel_job, retry_failed, retry_tasks
from executor.planning import submit
from executor.replan import replan
from jobs.api import downloads
from jobs.api import schema as _schema  # noqa: F401 - registers the OpenAPI extensions
from jobs.api.serializers import (
    JobCreateSerializer,
    JobDetailSerializer,
    JobSerializer,
    ReplanSerializer,
    TaskDetailSerializer,
    TaskSerializer,
    ToolSerializer,
)
from jobs.models import Job, JobStatus, Task
from tools.registry import catalogue


def visible_jobs(user: Any) -> QuerySet[Job]:
    jobs = Job.objects.select_related("owner")
    return jobs if user.is_staff else jobs.filter(owner=user)


class JobViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Jobs: submit a goal (or an explicit plan), list, inspect and steer them."""

    serializer_class = JobSerializer
    lookup_value_regex = "[0-9a-fA-F-]{36}"
    filter_backends = [filters.SearchFilter, filters.OrderingFilter]
    search_fields = ["goal"]  # ?search=words (all must occur in the goal, case-insensitive)
    ordering_fields = ["created_at", "updated_at", "status", "priority", "goal"]  # ?ordering=-priority
    ordering = ["-created_at"]

    def get_object(self) -> Job:
        """The job named in the URL, if this user may see it: otherwise a 404 naming the id (a job
        of someone else's is not told apart from one that does not exist)."""
        pk = self.kwargs["pk"]
        job = self.get_queryset().filter(pk=pk).first()
        if job is None:
            raise NotFound(f"no job {pk}")
        self.check_object_permissions(self.request, job)
        return job

    def _task(self, key: str | None, tasks: QuerySet[Task] | None = None) -> Task:
        job = self.get_object()
        task = (tasks if tasks is not None else Task.objects.all()).filter(job=job, key=key).first()
        if task is None:
            raise NotFound(f"job {job.pk} has no task {key!r}")
        task.job = job  # as read for this user: no second query
        return task

    def get_queryset(self) -> QuerySet[Job]:
        jobs = visible_jobs(self.request.user)
        wanted = self.request.query_params.get("status")
        if wanted:
            statuses = [s.strip() for s in wanted.split(",") if s.strip()]
            unknown = sorted(set(statuses) - set(JobStatus.values))
            if unknown:
                raise ValidationError(
                    {"status": [f"unknown status {', '.join(unknown)}; use {', '.join(JobStatus.values)}"]}
                )
            jobs = jobs.filter(status__in=statuses)
        return jobs

    @extend_schema(
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, description="Comma-separated statuses to keep")]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        jobs = list(page or [])
        counts: dict[Any, Counter[str]] = {job.pk: Counter() for job in jobs}
        for job_id, task_status in Task.objects.filter(job__in=jobs).values_list("job_id", "status"):
            counts[job_id][task_status] += 1
        for job in jobs:
            job.task_counts = dict(counts[job.pk])  # type: ignore[attr-defined]
        return self.get_paginated_response(JobSerializer(jobs, many=True).data)

    @extend_schema(request=JobCreateSerializer, responses={201: JobSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = JobCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        job = submit(
            request.user,  # type: ignore[arg-type]  # IsAuthenticated: never anonymous here
            data["goal"],
            context_json=data.get("context_json") or {},
            priority=data.get("priority", 1),
            budget=data.get("budget") or {},
            plan=data.get("plan"),
        )
        return Response(JobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=JobDetailSerializer)
    @action(detail=True, methods=["get"])
    def details(self, request: Request, pk: str | None = None) -> Response:
        job = self.get_object()
        return Response(JobDetailSerializer(job).data)

    @extend_schema(responses=TaskSerializer(many=True))
    @action(detail=True, methods=["get"])
    def tasks(self, request: Request, pk: str | None = None) -> Response:
        job = self.get_object()
        return Response(TaskSerializer(job.tasks.order_by("id"), many=True).data)

    @extend_schema(responses=TaskDetailSerializer)
    @action(detail=True, methods=["get"], url_path=r"tasks/(?P<task_id>[^/]+)")
    def task(self, request: Request, pk: str | None = None, task_id: str | None = None) -> Response:
        task = self._task(task_id, Task.objects.prefetch_related("attempt_log"))
        return Response(TaskDetailSerializer(task).data)

    @extend_schema(request=None, responses=JobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        job = cancel_job(self.get_object())
        return Response(JobSerializer(job).data)

    @extend_schema(request=None, responses=JobSerializer)
    @action(detail=True, methods=["post"], url_path=r"tasks/(?P<task_id>[^/]+)/retry")
    def retry_task(self, request: Request, pk: str | None = None, task_id: str | None = None) -> Response:
        """Retry one failed (dead-lettered) task; its blocked dependents resume."""
        task = self._task(task_id)
        return Response(JobSerializer(retry_tasks(task.job, [task.key])).data)

    @extend_schema(request=ReplanSerializer, responses=JobSerializer)
    @action(detail=True, methods=["post"])
    def replan(self, request: Request, pk: str | None = None) -> Response:
        """Plan the unfinished part again (optionally with instructions); finished tasks are kept."""
        job = self.get_object()
        incoming = ReplanSerializer(data=request.data or {})
        incoming.is_valid(raise_exception=True)
        return Response(JobSerializer(replan(job, incoming.validated_data.get("instructions", ""))).data)

    @extend_schema(request=None, responses=JobSerializer)
    @action(detail=True, methods=["post"])
    def retry_failed(self, request: Request, pk: str | None = None) -> Response:
        """Retry every failed task of the job; completed tasks are not run again."""
        return Response(JobSerializer(retry_failed(self.get_object())).data)


class ToolListView(APIView):
    """Every registered tool with its input and output JSON Schemas."""

    @extend_schema(responses=ToolSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response([spec.describe() for spec in catalogue().values()])


class ArtifactDownloadView(APIView):
    """Download an artifact by its path relative to the artifact root."""

    @extend_schema(
        parameters=[OpenApiParameter("path", OpenApiTypes.STR, required=True)], responses={200: OpenApiTypes.BINARY}
    )
    def get(self, request: Request) -> FileResponse:
        artifact = downloads.find_artifact(request.query_params.get("path", ""), visible_jobs(request.user))
        return downloads.artifact_response(artifact)


class WorkspaceDownloadView(APIView):
    """Download a file from a job workspace: ``path=<job id>/<path inside the workspace>``."""

    @extend_schema(
        parameters=[OpenApiParameter("path", OpenApiTypes.STR, required=True)], responses={200: OpenApiTypes.BINARY}
    )
    def get(self, request: Request) -> FileResponse:
        target = downloads.find_workspace_file(request.query_params.get("path", ""), visible_jobs(request.user))
        if target is None:
            raise Http404("no such file")
        return FileResponse(target.open("rb"), as_attachment=True, filename=target.name)
