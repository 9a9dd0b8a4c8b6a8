"""What observability costs a worker: throughput and per-task overhead with metrics on, and with
metrics plus tracing to a local OTLP collector, against both off. One harness, one worker
(concurrency 8) restarted per configuration, configurations in a rotated order each round, so
drift on the shared machine falls on all of them alike. Targets: metrics cost <= 5% of
throughput, metrics + tracing <= 15%."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from typing import Any

from bench.executor import _submit, _wait
from bench.harness import Harness

ROUNDS = 3
THROUGHPUT_TASKS = 1000
CHAIN_TASKS = 100
CONFIGS = ("off", "metrics", "metrics + tracing")


def _env(config: str, collector: str) -> dict[str, str]:
    env = {"AWE_METRICS_ENABLED": "false" if config == "off" else "true", "OTEL_EXPORTER_OTLP_ENDPOINT": ""}
    if config == "metrics + tracing":
        env["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector
    return env


def _tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of a worker and its pool processes so far: unlike wall time,
    hardly moved by whatever else the shared machine runs."""
    tick = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children")
    total = 0.0
    for p in [pid, *(int(c) for c in children.read_text().split())]:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        total += sum(int(f) for f in fields[11:15]) / tick
    return total


def _throughput(n: int, worker_pid: int) -> tuple[float, float]:
    """Tasks per second, and the worker's CPU milliseconds per task."""
    plan = {"tasks": [{"id": f"n{i}", "tool": "bench.noop", "inputs": {"n": i}} for i in range(n)]}
    cpu, start = _tree_cpu_s(worker_pid), time.perf_counter()
    _wait(_submit(plan, "observability throughput").pk)
    return n / (time.perf_counter() - start), 1000 * (_tree_cpu_s(worker_pid) - cpu) / n


def _per_task_ms(n: int) -> float:
    plan = {"tasks": [{"id": f"n{i}", "tool": "bench.noop", "inputs": {"n": i},
                       "depends_on": [f"n{i - 1}"] if i else []} for i in range(n)]}  # fmt: skip
    job = _wait(_submit(plan, "observability overhead").pk)
    tasks = sorted(job.tasks.all(), key=lambda t: t.started_at)
    return 1000 * (tasks[-1].finished_at - tasks[0].started_at).total_seconds() / n


def main() -> list[str]:
    from observability.tests.otlp import otlp_receiver

    results: dict[str, list[dict[str, float]]] = {config: [] for config in CONFIGS}
    # The client (this process) counts nothing: only the worker's cost is measured.
    with otlp_receiver(keep=False) as collector, Harness(AWE_METRICS_ENABLED="false") as harness:
        for round_ in range(ROUNDS):
            order = CONFIGS[round_ % len(CONFIGS) :] + CONFIGS[: round_ % len(CONFIGS)]
            for config in order:
                worker = harness.start_worker(8, f"obs{round_}{CONFIGS.index(config)}", **_env(config, collector.url))
                _throughput(100, worker.pid)  # warm: pool processes, connections, prepared statements, exporters
                per_s, cpu_ms = _throughput(THROUGHPUT_TASKS, worker.pid)
                results[config].append({"per_s": per_s, "cpu_ms": cpu_ms, "per_task_ms": _per_task_ms(CHAIN_TASKS)})
                harness.stop_worker(worker)
        exports = collector.requests
    return _table(results, exports)


def _table(results: dict[str, list[dict[str, Any]]], exports: int) -> list[str]:
    median = {c: {k: statistics.median(r[k] for r in runs) for k in ("per_s", "cpu_ms", "per_task_ms")}
              for c, runs in results.items()}  # fmt: skip
    off = median["off"]
    lines = [
        f"## Observability cost ({THROUGHPUT_TASKS:,} independent no-op tasks, and a chain of {CHAIN_TASKS}; "
        f"worker concurrency 8; {ROUNDS} rounds; targets: metrics <= 5% of throughput, metrics + tracing <= 15%)",
        "",
        "| configuration | tasks/s (rounds) | tasks/s median | throughput vs off | worker CPU ms/task (rounds) "
        "| CPU ms/task median | CPU vs off | chain ms/task median | per-task vs off |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for config in CONFIGS:
        m = median[config]
        rounds = ", ".join(f"{r['per_s']:.0f}" for r in results[config])
        cpu = ", ".join(f"{r['cpu_ms']:.2f}" for r in results[config])
        lines.append(
            f"| {config} | {rounds} | {m['per_s']:.0f} | {m['per_s'] / off['per_s']:.3f} | {cpu} | {m['cpu_ms']:.2f} "
            f"| {m['cpu_ms'] / off['cpu_ms']:.3f} | {m['per_task_ms']:.2f} | {m['per_task_ms'] / off['per_task_ms']:.3f} |"
        )
    lines += [
        "",
        f"Tracing exported to a local OTLP/HTTP receiver in the benchmark process ({exports} export requests).",
    ]
    return lines


if __name__ == "__main__":
    print("\n".join(main()))
