"""Dispatch, advance and settle: how tasks get to workers and how a job follows its tasks."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from celery.canvas import Signature
from django.conf import settings
from django.db import transaction
from django.db.models import Count

from executor.routing import celery_priority, message_options
from jobs import sql
from jobs.events import record
from jobs.models import TASK_ACTIVE, Job, JobStatus, Task, TaskStatus
from jobs.transitions import move_job, move_task, move_tasks
from planner.compile import Compiled, compile_dag
from planner.dag import topological_order

log = logging.getLogger(__name__)

S = TaskStatus


def _signature(task: Task, priority: int):  # type: ignore[no-untyped-def]
    from executor.tasks import run_task

    return run_task.si(task.pk).set(**message_options(task, priority))


def send(tasks: Iterable[Task], priority: int) -> None:
    """Send tasks one by one (advance, reconcile); their claim makes duplicates harmless."""
    for task in tasks:
        _signature(task, priority).apply_async()


def max_parallel(job: Job) -> int | None:
    """The job's cap on tasks in flight at once (``budget.max_parallel``), if any."""
    cap = (job.budget or {}).get("max_parallel")
    return int(cap) if cap else None


# What promotion and sending need of a waiting task (routing reads its tool and timeout).
_WAITING = ("id", "job", "key", "status", "depends_on", "dispatch", "tool", "timeout_s")


def promote_ready(job: Job, *, after: str | None = None) -> list[Task]:
    """Move pending tasks whose parents all succeeded to ready. Call with the job row locked.

    Returns the promoted tasks (*advance* sends those whose ``dispatch`` is "advance"). Reads
    only the pending tasks and their parents' statuses; ``after`` (a task that has just
    succeeded) narrows them to its children, so a long or wide job stays cheap to advance.
    """
    free = max_parallel(job)
    where, params = "job_id = %s AND status = %s", [sql.prep(Task, "job", job.pk), S.PENDING.value]
    if after is not None and free is None:  # with a cap, a freed slot may admit any task
        # A superset of the children (a match on the JSON text: ids hold no quotes); the exact
        # test is the parents check below.
        where, params = f"{where} AND {sql.contains(Task, 'depends_on')}", [*params, sql.like_pattern(f'"{after}"')]
    pending = sql.instances(Task, _WAITING, f"{where} ORDER BY id", params, lock=True)  # every completion runs it
    if not pending:
        return []
    done = {after} if after is not None else set()  # it has just succeeded
    if parents := {dep for task in pending for dep in task.depends_on} - done:  # none in a chain
        done |= set(Task.objects.filter(job=job, key__in=parents, status=S.SUCCEEDED).values_list("key", flat=True))
    if free is not None:
        free -= Task.objects.filter(job=job, status__in=TASK_ACTIVE).count()
    ready = [task for task in pending if all(dep in done for dep in task.depends_on)]
    if free is not None:
        ready = ready[: max(free, 0)]
    return move_tasks(ready, S.READY, defer=True)  # locked above; written with the events in a completion


def advance(done: Task) -> bool:
    """Task ``done`` succeeded: promote its newly ready children and send those the canvas does
    not carry. The caller holds the job's row for share and the task's for update (``lock_task``)
    and ``done`` and its job were read under them — its ``has_dependants`` too: a task that no
    other depends on has no children to look for, unless a cap on tasks in flight lets its freed
    slot admit any waiting task.

    Returns whether the job may have nothing left to run (no child was promoted): the caller then
    calls ``settle_if_done`` after its commit, as settling takes the job's row for update."""
    job = done.job
    if job.status != JobStatus.RUNNING:
        return False
    if not done.has_dependants and max_parallel(job) is None:
        return True
    promoted = promote_ready(job, after=done.key)
    if promoted:
        transaction.on_commit(lambda: send_promoted(job.pk, job.priority, promoted))
    return not promoted


def send_promoted(job_id: uuid.UUID | str, priority: int, promoted: list[Task]) -> None:
    """After the commit that made ``promoted`` ready: send those no canvas carries, and compile
    and send the next segment if any of them waited for one."""
    to_send = [task for task in promoted if task.dispatch == "advance"]
    if to_send:
        send(to_send, priority)
    if any(task.dispatch == "later" for task in promoted):
        send_later(job_id)


def settle_if_done(job_id: uuid.UUID | str) -> None:
    """After a completion's commit: settle the job if no task of it may still run. The probe takes
    no lock; of two last completions committing side by side, the later one's probe comes after
    both commits and sees every task finished."""
    if not _unfinished(job_id):
        settle(job_id)


def dispatch(job_id: uuid.UUID | str) -> None:
    """Compile the job's waiting tasks into a canvas and send it.

    Only pending and ready tasks are sent; succeeded parents count as done, so a retry or a
    replan recompiles only what is left. A waiting task whose parent is still in flight
    (running, retrying) cannot be carried by a new canvas: it and its descendants go to advance.
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        tasks = list(Task.objects.filter(job=job))
        status = {t.key: t.status for t in tasks}
        waiting = {t.key: t for t in tasks if t.status in (S.PENDING, S.READY)}
        in_flight = {
            t.key
            for t in waiting.values()
            if any(status.get(d) not in (S.SUCCEEDED, None) and d not in waiting for d in t.depends_on)
        }
        forced = in_flight | set().union(*(descendants(tasks, key) & waiting.keys() for key in in_flight))
        if max_parallel(job) is not None:
            forced = set(waiting)  # a canvas cannot hold back ready tasks: advance fills free slots
        parents = {k: [d for d in t.depends_on if d in waiting] for k, t in waiting.items() if k not in forced}
        compiled = _compile(job, parents, waiting, advance=forced)
        to_send = [task for task in promote_ready(job) if task.dispatch == "advance"]
        _send_on_commit(job, compiled.canvas, to_send)


def send_later(job_id: uuid.UUID | str) -> None:
    """After a completion promoted tasks left for later (``AWE_CANVAS_MAX_TASKS``): compile the
    next segment — those tasks and what follows them, as far as it depends on nothing still to
    run elsewhere — and send it. Under the job's lock, so two completions send a segment once."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.status != JobStatus.RUNNING:
            return
        rows = list(Task.objects.filter(job=job).values_list("key", "status", "dispatch", "depends_on"))
        status = {key: status for key, status, _, _ in rows}
        later = {key: deps for key, st, how, deps in rows if how == "later" and st in (S.PENDING, S.READY)}
        # Later tasks whose parents succeeded or are eligible, with how many tasks a path from a
        # ready one holds up to them: none deeper than the bound can be in this segment's canvas
        # (its first task would carry them all), so those wait without being compiled.
        depth: dict[str, int] = {}
        for key in topological_order({key: set(deps) & later.keys() for key, deps in later.items()}):
            if all(status.get(d, S.SUCCEEDED) == S.SUCCEEDED or d in depth for d in later[key]):
                depth[key] = 1 + max((depth[d] for d in later[key] if d in depth), default=0)
        if not any(status[key] == S.READY for key in depth):
            return  # another completion sent it
        bound = settings.AWE_CANVAS_MAX_TASKS
        window = [key for key, d in depth.items() if not bound or d <= bound]
        segment = {t.key: t for t in Task.objects.filter(job=job, key__in=window).only(*_WAITING)}
        parents = {k: [d for d in t.depends_on if d in segment] for k, t in segment.items()}
        compiled = _compile(job, parents, segment)
        ready = [t for t in segment.values() if t.status == S.READY]
        record(job, "plan.segment_sent", {
            "tasks": len(segment) - len(compiled.later),
            "first": sorted(t.key for t in ready)[:20],
            "later": len(later) - len(segment) + len(compiled.later),
        })  # fmt: skip
        _send_on_commit(job, compiled.canvas, [t for t in ready if t.key in compiled.advance])


def _compile(
    job: Job, parents: dict[str, list[str]], waiting: dict[str, Task], advance: Iterable[str] = ()
) -> Compiled:
    """Compile waiting tasks into a canvas and record how each will be sent."""
    bound = settings.AWE_CANVAS_MAX_TASKS or None
    compiled = compile_dag(parents, lambda key: _signature(waiting[key], job.priority), max_carried=bound)
    advance_keys = compiled.advance | set(advance)
    how = {key: "advance" if key in advance_keys else "later" if key in compiled.later else "canvas" for key in waiting}
    for value in ("advance", "later", "canvas"):
        Task.objects.filter(job=job, key__in=[key for key, h in how.items() if h == value]).update(dispatch=value)
    for key, task in waiting.items():
        task.dispatch = how[key]
    return compiled


def _send_on_commit(job: Job, canvas: Signature | None, tasks: list[Task]) -> None:
    def send_all() -> None:
        if canvas is not None:
            canvas.apply_async(priority=celery_priority(job.priority))
        send(tasks, job.priority)

    transaction.on_commit(send_all)


def descendants(tasks: Iterable[Task], key: str) -> set[str]:
    children: dict[str, set[str]] = {}
    for t in tasks:
        for dep in t.depends_on:
            children.setdefault(dep, set()).add(t.key)
    found: set[str] = set()
    frontier = [key]
    while frontier:
        for child in children.get(frontier.pop(), ()):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return found


def block_descendants(task: Task) -> None:
    """A task failed for good: everything downstream that has not run waits as blocked."""
    tasks = list(Task.objects.filter(job_id=task.job_id))
    below = descendants(tasks, task.key)
    for other in tasks:
        if other.key in below and other.status in (S.PENDING, S.READY):
            move_task(other, S.BLOCKED, event={"because": task.key})


def settle(job_id: uuid.UUID | str) -> None:
    """Derive the job's status from its tasks once nothing more can run."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.status == JobStatus.RUNNING:
            _settle(job)


_UNFINISHED = tuple(sorted(s.value for s in (*TASK_ACTIVE, S.PENDING)))


def _unfinished(job_id: uuid.UUID | str) -> bool:
    """Whether any task of the job may still run: one probe of the (job, status) index, in plain
    SQL (every completion of a task without waiting children runs it)."""
    marks = ", ".join(["%s"] * len(_UNFINISHED))
    where = f"job_id = %s AND status IN ({marks}) LIMIT 1"
    return bool(sql.select(Task, ("id",), where, [sql.prep(Task, "job", job_id), *_UNFINISHED]))


def _settle(job: Job) -> None:
    if _unfinished(job.pk):
        return  # the common case while a job runs
    counts = dict(Task.objects.filter(job=job).values("status").annotate(n=Count("pk")).values_list("status", "n"))
    # In a running job a cancelled task can only be one a replan dropped.
    if set(counts) <= {S.SUCCEEDED, S.CANCELLED}:
        move_job(job, JobStatus.SUCCEEDED)
        return
    if any(counts.get(status) for status in (*TASK_ACTIVE, S.PENDING)) or not counts.get(S.FAILED):
        return
    failed = Task.objects.filter(job=job, status=S.FAILED).order_by("pk")
    reason = "; ".join(f"task {t.key!r} failed: {t.error}" for t in failed)
    move_job(job, JobStatus.FAILED, error=reason[:4000])
    if settings.AWE_AUTO_REPLAN_ON_FAILURE:
        from executor.replan import auto_replan

        transaction.on_commit(lambda: auto_replan(job.pk))
