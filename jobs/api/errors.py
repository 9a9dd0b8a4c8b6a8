"""Domain errors become clear 4xx responses, never 500s."""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from jobs.transitions import IllegalTransition
from planner.validate import PlanInvalid
from tools.errors import PolicyError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, IllegalTransition):
        return Response({"detail": str(exc), "status": exc.current}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, PlanInvalid):
        return Response(
            {"detail": "the plan is invalid", "plan": [p.as_dict() for p in exc.problems]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, PolicyError):
        return Response({"detail": exc.message, "field": exc.field}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
