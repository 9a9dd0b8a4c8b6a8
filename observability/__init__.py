"""Observability: Prometheus metrics, OpenTelemetry traces and structured logs (docs/operations.md,
"What to watch"). Lower than every other app: tools, planner, jobs and executor may import it; it
imports none of them at module level."""
