"""LLM usage and budgets: every call is recorded and charged to its job; budgets are checked on
every call."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from jobs.models import Job, LlmCall, Plan, Task
from observability import metrics
from tools.errors import BudgetError
from tools.llm.base import Usage


def totals(job: Job) -> dict[str, Any]:
    agg = LlmCall.objects.filter(job=job).aggregate(
        calls=Count("pk"), tokens_in=Sum("tokens_in"), tokens_out=Sum("tokens_out"), cost_usd=Sum("cost_usd")
    )
    return {
        "calls": agg["calls"] or 0,
        "tokens_in": agg["tokens_in"] or 0,
        "tokens_out": agg["tokens_out"] or 0,
        "tokens": (agg["tokens_in"] or 0) + (agg["tokens_out"] or 0),
        "cost_usd": round(agg["cost_usd"] or 0.0, 8),
    }


def over_budget(job: Job) -> str | None:
    """Why the job's spending is over its budget, or ``None``."""
    budget = job.budget or {}
    if budget.get("max_tokens") is None and budget.get("max_cost_usd") is None:
        return None  # nothing to exceed: no need to add up the calls
    spent = totals(job)
    if budget.get("max_tokens") is not None and spent["tokens"] > budget["max_tokens"]:
        return f"budget: {spent['tokens']} tokens used; the job's max_tokens is {budget['max_tokens']}"
    if budget.get("max_cost_usd") is not None and spent["cost_usd"] > budget["max_cost_usd"]:
        return f"budget: ${spent['cost_usd']:.6f} spent; the job's max_cost_usd is {budget['max_cost_usd']}"
    return None


def time_left_s(job: Job) -> float | None:
    """Seconds left of the job's ``max_runtime_s`` (counted from its start), or ``None``."""
    limit = (job.budget or {}).get("max_runtime_s")
    if limit is None or job.started_at is None:
        return None
    return float(limit) - (timezone.now() - job.started_at).total_seconds()


def charge(job: Job, usage: Usage | dict[str, Any], *, plan: Plan | None = None, task: Task | None = None) -> None:
    """Record a call; raise ``BudgetError`` if it took the job over its budget."""
    data = asdict(usage) if isinstance(usage, Usage) else dict(usage)
    fields: dict[str, Any] = {
        k: data[k] for k in ("provider", "model", "tokens_in", "tokens_out", "latency_s", "cost_usd") if k in data
    }
    LlmCall.objects.create(job=job, plan=plan, task=task, **fields)
    metrics.count_llm_call(fields)
    reason = over_budget(job)
    if reason:
        raise BudgetError(reason)
