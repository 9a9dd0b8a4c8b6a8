"""Executor benchmarks: makespan vs critical path, per-task overhead, throughput, worker memory."""

from __future__ import annotations

import itertools
import os
import random
import statistics
import time
from pathlib import Path
from typing import Any

from bench.dags import crossed_chains, fork_join
from bench.harness import Harness, cpu_s, rss_kib


def _wait(job_id: Any, timeout: float = 600) -> Any:
    from jobs.models import JOB_TERMINAL, Job

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=job_id)
        if job.status in JOB_TERMINAL:
            assert job.status == "succeeded", job.error
            return job
        time.sleep(0.05)
    raise TimeoutError(job_id)


def _submit(plan: dict[str, Any], goal: str) -> Any:
    from executor.planning import submit
    from jobs.api.auth import local_user

    user = local_user()
    assert user is not None
    return submit(user, goal, plan=plan)


def _dag(shape: str, n: int, rng: random.Random) -> tuple[dict[str, list[str]], dict[str, float]]:
    parents = (fork_join if shape == "series-parallel" else crossed_chains)(n, 8, rng)
    return parents, {k: round(rng.uniform(0.1, 0.3), 3) for k in parents}


def _gaps(parents: dict[str, list[str]], started: dict[str, float], finished: dict[str, float]) -> dict[bool, float]:
    """Median ms from the (last) parent's finish to the child's start: {several parents: ms}."""
    gaps: dict[bool, list[float]] = {False: [], True: []}
    for key, ps in parents.items():
        if ps:
            gaps[len(ps) > 1].append(1000 * (started[key] - max(finished[p] for p in ps)))
    return {many: statistics.median(values) if values else float("nan") for many, values in gaps.items()}


def makespan(shape: str, n: int, rng: random.Random) -> dict[str, Any]:
    from planner.dag import critical_path

    parents, seconds = _dag(shape, n, rng)
    plan = {
        "tasks": [
            {"id": k, "tool": "core.wait", "inputs": {"seconds": seconds[k]}, "depends_on": ps}
            for k, ps in parents.items()
        ]
    }
    job = _wait(_submit(plan, f"{shape} {n}").pk)
    tasks = list(job.tasks.all())
    started = {t.key: t.started_at.timestamp() for t in tasks}
    finished = {t.key: t.finished_at.timestamp() for t in tasks}
    span = max(finished.values()) - min(started.values())
    cp = critical_path(parents, seconds)
    gaps = _gaps(parents, started, finished)
    return {
        "shape": shape,
        "tasks": n,
        "critical_path_s": cp,
        "makespan_s": span,
        "ratio": span / cp,
        "advance": sum(1 for t in tasks if t.dispatch == "advance"),
        "after_one_ms": gaps[False],
        "after_many_ms": gaps[True],
    }


def raw_makespan(shape: str, n: int, rng: random.Random, log: Path) -> dict[str, Any]:
    """The same DAG as ``makespan`` as a plain Celery canvas of sleeping tasks (AWE's compiler,
    no bound on a message's size, nothing stored): what Celery's chains and chords cost alone.
    Only a series-parallel DAG has an exact canvas."""
    from bench.noop_tools import raw_wait
    from planner.compile import compile_dag
    from planner.dag import critical_path

    parents, seconds = _dag(shape, n, rng)
    compiled = compile_dag(
        parents, lambda k: raw_wait.si(k, seconds[k], str(log)).set(queue="tools", ignore_result=True)
    )  # stores no result, as AWE's run_task does not on Redis
    assert compiled.canvas is not None and not compiled.advance and not compiled.later, shape
    log.unlink(missing_ok=True)
    compiled.canvas.apply_async()
    deadline = time.monotonic() + 600
    rows: list[list[str]] = []
    while len(rows) < n:
        if time.monotonic() > deadline:
            raise TimeoutError(f"raw canvas {shape} {n}: {len(rows)} tasks ran")
        time.sleep(0.05)
        rows = [line.split() for line in log.read_text().splitlines()] if log.exists() else []
    started = {key: float(start) for key, start, _ in rows}
    finished = {key: float(end) for key, _, end in rows}
    span = max(finished.values()) - min(started.values())
    gaps = _gaps(parents, started, finished)
    return {"ratio": span / critical_path(parents, seconds), "after_one_ms": gaps[False], "after_many_ms": gaps[True]}


def hops(job: Any) -> list[tuple[str, float]]:
    """Where one hop of a chain goes (p50 ms), from the task rows and the worker's time stamps
    (``bench.hops``): task i+1's message is published when task i has committed its success. A
    claim and a success stamp their time before their statement runs."""
    from bench import hops as stamps

    tasks = sorted(job.tasks.all(), key=lambda t: t.started_at)
    seen = stamps.read(os.environ["AWE_BENCH_HOPS_LOG"])
    stretches: dict[str, list[float]] = {
        "message handed to the worker process → claim stamped (started_at)": [],
        "claim stamped → success stamped (the claim's statement, binding, heartbeat, tool)": [],
        "success stamped → next message published (the success's statement, Celery's chain step)": [],
        "Celery: publish → fetched by the worker → handed to its process": [],
    }
    names = list(stretches)
    for task, after in itertools.pairwise(tasks):
        mine, next_ = seen.get(task.celery_id, {}), seen.get(after.celery_id, {})
        if not {"prerun"} <= mine.keys() or not {"publish", "prerun"} <= next_.keys():
            continue
        stretches[names[0]].append(task.started_at.timestamp() - mine["prerun"])
        stretches[names[1]].append((task.finished_at - task.started_at).total_seconds())
        stretches[names[2]].append(next_["publish"] - task.finished_at.timestamp())
        stretches[names[3]].append(next_["prerun"] - next_["publish"])
    return [(name, 1000 * statistics.median(values)) for name, values in stretches.items() if values]


def overhead(n: int = 100) -> dict[str, Any]:
    """Sequential round trips: a chain of n no-op tasks through AWE vs n raw Celery calls; and,
    to tell Celery's share of AWE's hop from AWE's own, a raw Celery chain of n no-op tasks."""
    from celery import chain

    from bench.noop_tools import raw_noop

    plan = {
        "tasks": [
            {"id": f"n{i}", "tool": "bench.noop", "inputs": {"n": i}, "depends_on": [f"n{i - 1}"] if i else []}
            for i in range(n)
        ]
    }
    job = _wait(_submit(plan, "overhead").pk)
    tasks = sorted(job.tasks.all(), key=lambda t: t.started_at)
    awe = (tasks[-1].finished_at - tasks[0].started_at).total_seconds() / n
    start = time.perf_counter()
    for i in range(n):
        raw_noop.apply_async((i,), queue="tools").get(timeout=30)
    raw = (time.perf_counter() - start) / n
    start = time.perf_counter()
    # Like AWE's run_task on Redis, no task stores its result but the last, which is waited on.
    chain(raw_noop.si(i).set(queue="tools", ignore_result=i < n - 1) for i in range(n)).apply_async().get(timeout=60)
    raw_chain = (time.perf_counter() - start) / n
    return {
        "awe_ms": awe * 1000,
        "raw_ms": raw * 1000,
        "ratio": awe / raw,
        "raw_chain_ms": raw_chain * 1000,
        "hops": hops(job),
    }


def throughput(n: int = 2000) -> dict[str, Any]:
    from celery import group

    from bench.noop_tools import raw_noop

    plan = {"tasks": [{"id": f"n{i}", "tool": "bench.noop", "inputs": {"n": i}} for i in range(n)]}
    cpu, start = cpu_s(), time.perf_counter()
    _wait(_submit(plan, "throughput").pk)
    awe = n / (time.perf_counter() - start)
    awe_cpu = {k: (v - cpu[k]) * 1000 / n for k, v in cpu_s().items()}
    cpu, start = cpu_s(), time.perf_counter()
    group(raw_noop.s(i).set(queue="tools") for i in range(n)).apply_async().get(timeout=600)
    raw = n / (time.perf_counter() - start)
    raw_cpu = {k: (v - cpu[k]) * 1000 / n for k, v in cpu_s().items()}
    return {"awe_per_s": awe, "raw_per_s": raw, "ratio": awe / raw, "awe_cpu_ms": awe_cpu, "raw_cpu_ms": raw_cpu}


ROUNDS = 3


def _median_round(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return sorted(runs, key=lambda r: r["ratio"])[len(runs) // 2]


def main() -> list[str]:
    rng = random.Random(20261124)
    lines = []
    with Harness() as harness:
        worker = harness.start_worker(concurrency=8)
        warm = throughput(200)
        rss_warm = rss_kib(worker.pid)
        lines.append(
            f"## Makespan / critical path (core.wait 0.1-0.3 s, width <= 8, worker concurrency 8; target <= 1.05; "
            f"{ROUNDS} rounds)"
        )
        lines.append("")
        lines.append(
            "Each round runs the DAG through AWE, then (series-parallel only: no canvas expresses the other "
            "shape exactly) the same DAG as a plain Celery canvas of sleeping tasks on the same worker."
        )
        lines.append("")
        lines.append(
            "| shape | tasks | critical path s | AWE makespan s | AWE ratio (median) | AWE rounds "
            "| raw canvas ratio (median) | raw canvas rounds | tasks dispatched by advance "
            "| start after one parent, p50 ms, AWE / raw | start after the last of several parents, p50 ms, AWE / raw |"
        )
        lines.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        shapes = [(shape, n) for shape in ("series-parallel", "non-series-parallel") for n in (50, 200)]
        seeds = {key: rng.randrange(2**32) for key in shapes}  # every round runs the same DAGs
        spans: dict[tuple[str, int], list[dict[str, Any]]] = {key: [] for key in shapes}
        raws: dict[tuple[str, int], list[dict[str, Any]]] = {key: [] for key in shapes}
        log = harness.data_dir / "raw-spans.log"
        for _ in range(ROUNDS):
            for shape, n in shapes:
                spans[shape, n].append(makespan(shape, n, random.Random(seeds[shape, n])))
                if shape == "series-parallel":
                    raws[shape, n].append(raw_makespan(shape, n, random.Random(seeds[shape, n]), log))
        for key in shapes:
            r = _median_round(spans[key])
            ratios = ", ".join(f"{x['ratio']:.3f}" for x in spans[key])
            raw, raw_ratios = "—", "—"
            one, many = f"{r['after_one_ms']:.1f}", f"{r['after_many_ms']:.1f}"
            if raws[key]:
                q = _median_round(raws[key])
                raw, raw_ratios = f"{q['ratio']:.3f}", ", ".join(f"{x['ratio']:.3f}" for x in raws[key])
                one, many = f"{one} / {q['after_one_ms']:.1f}", f"{many} / {q['after_many_ms']:.1f}"
            lines.append(
                f"| {r['shape']} | {r['tasks']} | {r['critical_path_s']:.2f} | {r['makespan_s']:.2f} | {r['ratio']:.3f} "
                f"| {ratios} | {raw} | {raw_ratios} | {r['advance']} | {one} | {many} |"
            )
        # The machine is shared: each ratio is measured ROUNDS times, AWE and raw Celery in turn,
        # and the round with the median ratio is the one reported in detail.
        runs = [overhead() for _ in range(ROUNDS)]
        o = _median_round(runs)
        lines.append("")
        lines.append(f"## Per-task overhead, sequential (no-op tool; target AWE / raw <= 2.0; {ROUNDS} rounds)")
        lines.append("| round | AWE full path ms/task | raw Celery round trip ms | ratio | raw Celery chain ms/task |")
        lines.append("| --- | --- | --- | --- | --- |")
        lines += [
            f"| {i} | {r['awe_ms']:.1f} | {r['raw_ms']:.1f} | {r['ratio']:.2f} | {r['raw_chain_ms']:.1f} |"
            for i, r in enumerate(runs, 1)
        ]
        lines.append(f"| median | | | {o['ratio']:.2f} | |")
        lines.append("")
        lines.append(
            f"AWE's own share of a hop in the median round (AWE's chain less a raw Celery chain of the same "
            f"length): {o['awe_ms'] - o['raw_chain_ms']:.1f} ms."
        )
        lines.append("")
        lines.append(
            "Where one hop of that chain goes in the median round (p50; the stretches overlap by a few time stamps):"
        )
        lines.append("")
        lines.append("| stretch | ms |")
        lines.append("| --- | --- |")
        lines += [f"| {name} | {ms:.1f} |" for name, ms in o["hops"]]
        rounds = [throughput(2000) for _ in range(ROUNDS)]
        t = _median_round(rounds)
        lines.append("")
        lines.append(f"## Throughput, 2,000 independent no-op tasks (target AWE / raw >= 0.5; {ROUNDS} rounds)")
        lines.append("| round | AWE tasks/s | raw Celery group tasks/s | ratio |")
        lines.append("| --- | --- | --- | --- |")
        lines += [
            f"| {i} | {r['awe_per_s']:.0f} | {r['raw_per_s']:.0f} | {r['ratio']:.2f} |" for i, r in enumerate(rounds, 1)
        ]
        lines.append(f"| median | | | {t['ratio']:.2f} |")
        lines.append("")
        lines.append(
            "CPU per task in the median round (ms; worker processes, PostgreSQL, Redis; the client not counted):"
        )
        lines.append("")
        lines.append("| path | worker | PostgreSQL | Redis | total |")
        lines.append("| --- | --- | --- | --- | --- |")
        for label, used in (("AWE", t["awe_cpu_ms"]), ("raw Celery", t["raw_cpu_ms"])):
            w, pg, r = used["celery"], used["postgres"], used["redis-server"]
            lines.append(f"| {label} | {w:.1f} | {pg:.1f} | {r:.1f} | {w + pg + r:.1f} |")
        rss_after = rss_kib(worker.pid)
        lines.append("")
        lines.append("## Worker memory (main process + 8 pool children; target growth <= 20%)")
        lines.append(f"| RSS after warm-up MiB | RSS after {ROUNDS * 2000:,}+ tasks MiB | growth |")
        lines.append("| --- | --- | --- |")
        lines.append(
            f"| {rss_warm / 1024:.0f} | {rss_after / 1024:.0f} | {100 * (rss_after - rss_warm) / rss_warm:+.1f}% |"
        )
        lines.append("")
        lines.append(f"Warm-up: 200 no-op tasks at {warm['awe_per_s']:.0f}/s (AWE) vs {warm['raw_per_s']:.0f}/s (raw).")
    return lines


if __name__ == "__main__":
    print("\n".join(main()))
