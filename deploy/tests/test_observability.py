"""The observability overlay and compose profile: alert rules pass promtool and fire on the
histories they are about, the dashboard's queries parse and name metrics AWE exports, the
Prometheus configs are valid and the overlay renders."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import yaml

from conftest import unavailable

ROOT = Path(__file__).resolve().parents[2]
OVERLAY = ROOT / "deploy" / "k8s" / "overlays" / "observability"
DASHBOARD = OVERLAY / "awe-dashboard.json"
ALERTS = OVERLAY / "awe-alerts.yml"

# What the overlay's Grafana needs of a dashboard (a subset of Grafana's dashboard model).
DASHBOARD_SCHEMA = {
    "type": "object",
    "required": ["uid", "title", "panels", "schemaVersion"],
    "properties": {
        "uid": {"type": "string", "pattern": "^[a-z0-9-]{1,40}$"},
        "panels": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "type", "title", "gridPos", "datasource", "targets"],
                "properties": {
                    "type": {"enum": ["timeseries", "stat", "gauge", "table", "bargauge"]},
                    "datasource": {
                        "type": "object",
                        "required": ["type", "uid"],
                        "properties": {"type": {"const": "prometheus"}},
                    },
                    "gridPos": {"type": "object", "required": ["h", "w", "x", "y"]},
                    "targets": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["refId", "expr"],
                            "properties": {"expr": {"type": "string", "minLength": 1}},
                        },
                    },
                },
            },
        },
    },
}


def promtool(*args: str, cwd: Path = OVERLAY) -> subprocess.CompletedProcess[str]:
    if shutil.which("promtool") is None:
        unavailable("promtool is not installed (make test installs Debian's prometheus package for it)")
    return subprocess.run(["promtool", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def dashboard_exprs() -> list[str]:
    return [t["expr"] for p in json.loads(DASHBOARD.read_text())["panels"] for t in p["targets"]]


def alert_exprs() -> list[str]:
    return [rule["expr"] for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]]


def test_the_alert_rules_pass_promtool():
    done = promtool("check", "rules", ALERTS.name)
    assert done.returncode == 0, done.stdout + done.stderr


def test_each_alert_fires_on_its_history_and_not_on_a_healthy_one():
    done = promtool("test", "rules", "awe-alerts.test.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    tested = set(re.findall(r"alertname: (\w+)", (OVERLAY / "awe-alerts.test.yml").read_text()))
    alerts = {r["alert"] for g in yaml.safe_load(ALERTS.read_text())["groups"] for r in g["rules"]}
    assert alerts == tested == {"AWEDeadLettersGrowing", "AWEQueueBacklog", "AWENoWorkerHeartbeat",
                                "AWEJobFailureRatioHigh", "AWETaskLatencyHigh"}  # fmt: skip


def test_every_alert_links_to_its_runbook_step_in_the_operations_doc():
    doc = (ROOT / "docs" / "operations.md").read_text()
    anchors = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in re.findall(r"^#+ (.+)$", doc, re.M)}
    for group in yaml.safe_load(ALERTS.read_text())["groups"]:
        for rule in group["rules"]:
            runbook = rule["annotations"]["runbook"]
            assert runbook.startswith("docs/operations.md#") and runbook.split("#")[1] in anchors, runbook


def test_the_dashboard_has_the_shape_grafana_loads_and_its_queries_parse(tmp_path):
    dashboard = json.loads(DASHBOARD.read_text())
    jsonschema.validate(dashboard, DASHBOARD_SCHEMA)
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    [source] = yaml.safe_load((OVERLAY / "grafana-datasources.yml").read_text())["datasources"]
    assert {p["datasource"]["uid"] for p in dashboard["panels"]} == {source["uid"]}
    # promtool parses PromQL where it checks rules: each query as a recording rule.
    rules = {"groups": [{"name": "dashboard", "rules": [{"record": f"awe:panel_{i}", "expr": expr}
                                                        for i, expr in enumerate(dashboard_exprs())]}]}  # fmt: skip
    (tmp_path / "dashboard-rules.yml").write_text(yaml.safe_dump(rules))
    done = promtool("check", "rules", "dashboard-rules.yml", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_broken_query_is_caught(tmp_path):
    rules = {"groups": [{"name": "d", "rules": [{"record": "awe:bad", "expr": "sum by (le (rate(x[5m]))"}]}]}
    (tmp_path / "bad.yml").write_text(yaml.safe_dump(rules))
    assert promtool("check", "rules", "bad.yml", cwd=tmp_path).returncode != 0


def test_dashboard_and_alerts_name_only_metrics_awe_exports():
    from prometheus_client import REGISTRY

    from observability import metrics  # noqa: F401 - registers AWE's families
    from observability.exposition import SCRAPE_TIME_FAMILIES

    exported = {name for name in REGISTRY._names_to_collectors if name.startswith("awe_")} | set(SCRAPE_TIME_FAMILIES)
    named = {m for expr in dashboard_exprs() + alert_exprs() for m in re.findall(r"\bawe_[a-z0-9_]+", expr)}
    series = {re.sub(r"_bucket$", "", m) for m in named}  # a histogram's buckets are under its name
    assert series - exported == set(), f"not exported by AWE: {sorted(series - exported)}"
    assert len(named) >= 12  # every family of docs/operations.md is on the dashboard or in a rule


def test_the_compose_prometheus_config_is_valid(tmp_path):
    config = (ROOT / "deploy" / "compose" / "prometheus.yml").read_text().replace("/etc/prometheus/", f"{tmp_path}/")
    (tmp_path / "prometheus.yml").write_text(config)
    shutil.copy(ALERTS, tmp_path / "awe-alerts.yml")
    (tmp_path / "awe-metrics-token").write_text("token")
    done = promtool("check", "config", "prometheus.yml", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_compose_profile_mounts_files_that_exist():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    profiled = {name: s for name, s in compose["services"].items() if "observability" in s.get("profiles", [])}
    assert set(profiled) == {"prometheus", "grafana", "otel-collector"}
    for service in profiled.values():
        for volume in service.get("volumes", []):
            assert (ROOT / volume.split(":")[0]).is_file(), volume
    assert "AWE_METRICS_DIR" in compose["x-awe"]["environment"]  # never the shared /data: pids collide


def test_the_overlay_renders_and_wires_metrics_and_traces():
    if shutil.which("kubectl") is None:
        unavailable("kubectl is not installed; it renders the kustomize overlay")
    done = subprocess.run(["kubectl", "kustomize", str(OVERLAY)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    docs = {(d["kind"], d["metadata"]["name"]): d for d in yaml.safe_load_all(done.stdout) if d}
    kinds = {kind for kind, _ in docs}
    assert {"Deployment", "Service", "ConfigMap", "Role", "RoleBinding", "ServiceAccount"} <= kinds
    config = next(d for (k, n), d in docs.items() if k == "ConfigMap" and n.startswith("awe-config"))["data"]
    assert config["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318"
    assert config["AWE_WORKER_METRICS_PORT"] == "9808" and config["AWE_METRICS_DIR"].startswith("/tmp/")
    for name, port in (("web", "8000"), ("worker", "9808")):
        pod = docs["Deployment", name]["spec"]["template"]
        assert pod["metadata"]["annotations"]["prometheus.io/port"] == port
    [web] = docs["Deployment", "web"]["spec"]["template"]["spec"]["containers"]
    assert {"name": "AWE_METRICS_TOKEN", "valueFrom": {"secretKeyRef": {"name": "awe-metrics", "key": "token"}}} in web[
        "env"
    ]
    prometheus = yaml.safe_load((OVERLAY / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in prometheus["scrape_configs"]}
    assert jobs["awe-web"]["authorization"]["credentials_file"] == "/etc/awe-metrics/token"
    assert "authorization" not in jobs["awe-worker"]
