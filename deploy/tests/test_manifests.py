"""Deployment files: every Kubernetes overlay renders with kustomize and validates against the
Kubernetes schemas offline; compose and Kubernetes run what an operator expects (migrations once,
probes, no secrets, non-root, the MCP services, autoscaling on every list that holds work)."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import unavailable

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
MANIFESTS = [*sorted((ROOT / "deploy").rglob("*.yaml")), ROOT / "docker-compose.yml"]
OVERLAYS = sorted(p.parent.name for p in (K8S / "overlays").glob("*/kustomization.yaml"))
KUBERNETES_VERSION = "1.33.0"  # the pinned kubectl's (deploy/kubectl-requirements.txt)
WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "Job")
Doc = dict[str, Any]


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_manifest_parses(path):
    documents = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    assert documents, f"{path} is empty"


@pytest.mark.parametrize("path", sorted((ROOT / "deploy").rglob("kustomization.yaml")), ids=lambda p: p.parent.name)
def test_kustomizations_reference_existing_files(path):
    spec = yaml.safe_load(path.read_text())
    for resource in spec.get("resources", []):
        assert (path.parent / resource).exists(), f"{path}: missing {resource}"


def test_every_setting_read_from_the_environment_is_in_env_example():
    settings_src = (ROOT / "awe_project" / "settings.py").read_text()
    names = set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", settings_src))
    assert "DATABASE_URL" in names and "CELERY_BROKER_URL" in names
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.M))
    assert names - documented == set(), f"add these to .env.example: {sorted(names - documented)}"


# --- Kubernetes: rendered by kustomize, validated by kubernetes-validate ------------------------------
@cache
def render(overlay: str) -> tuple[Doc, ...]:
    kubectl = Path(os.environ.get("KUBECTL", ROOT / ".venv" / "bin" / "kubectl"))
    if not kubectl.is_file():
        unavailable(f"{kubectl} is missing: `make k8s-tools` installs the pinned kubectl (kustomize)")
    result = subprocess.run(
        [str(kubectl), "kustomize", str(K8S / "overlays" / overlay)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"kustomize failed on overlays/{overlay}:\n{result.stderr}"
    return tuple(d for d in yaml.safe_load_all(result.stdout) if d)


def find(docs: tuple[Doc, ...], kind: str, name: str) -> Doc:
    [found] = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    return found


def pod_spec(doc: Doc) -> Doc:
    return dict(doc["spec"]["template"]["spec"])


def awe_workloads(docs: tuple[Doc, ...]) -> list[Doc]:
    return [d for d in docs if d["kind"] in WORKLOADS and d["metadata"].get("labels", {}).get("app") == "awe"]


def is_core_api(api_version: str) -> bool:
    group = api_version.rpartition("/")[0]
    return "." not in group or group.endswith(".k8s.io")


def test_there_is_a_local_and_a_production_overlay():
    assert {"local", "prod"} <= set(OVERLAYS)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_overlay_renders_and_validates_against_the_kubernetes_schemas(overlay):
    import kubernetes_validate

    docs = render(overlay)
    custom = []
    for doc in docs:
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            assert not is_core_api(doc["apiVersion"]), f"no schema for {doc['apiVersion']} {doc['kind']}"
            custom.append(doc["kind"])  # a CRD's kind (KEDA, ...): checked by the tests below
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(
                f"overlays/{overlay}: {doc['kind']} {doc['metadata']['name']}: {exc.message} at {list(exc.path)}"
            )
    assert {d["kind"] for d in docs} >= {"Deployment", "Service", "Job", "HorizontalPodAutoscaler", "ConfigMap"}
    assert all(d["metadata"].get("namespace") == "awe" for d in docs if d["kind"] != "Namespace")


def test_validation_rejects_a_broken_manifest():
    """The check above can fail: a misspelt field is refused, not ignored."""
    import kubernetes_validate

    web = find(render("prod"), "Deployment", "web")
    broken = json.loads(json.dumps(web))
    broken["spec"]["template"]["spec"]["containers"][0]["livenessProb"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_overlay_ships_a_secret_value_or_answers_any_host(overlay):
    docs = render(overlay)
    assert [d["metadata"]["name"] for d in docs if d["kind"] == "Secret"] == []
    assert "change-me" not in yaml.safe_dump_all(docs)
    hosts = find(docs, "ConfigMap", "awe-config")["data"]["ALLOWED_HOSTS"].split(",")
    assert hosts and "*" not in hosts and all(h.strip() for h in hosts)
    for key in ("SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "FLOWER_BASIC_AUTH"):
        assert key not in find(docs, "ConfigMap", "awe-config")["data"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_awe_pods_run_as_non_root_without_privilege_escalation_on_a_read_only_root(overlay):
    workloads = awe_workloads(render(overlay))
    expected = {"web", "worker", "beat", "flower", "coder", "tailor", "migrate"}
    assert {w["metadata"]["name"] for w in workloads} >= expected
    for workload in workloads:
        spec = pod_spec(workload)
        name = workload["metadata"]["name"]
        assert spec["securityContext"]["runAsNonRoot"] is True and spec["securityContext"]["runAsUser"] > 0, name
        volumes = {v["name"]: v for v in spec["volumes"]}
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, (name, container["name"])
            assert context["readOnlyRootFilesystem"] is True, (name, container["name"])
            assert context["capabilities"]["drop"] == ["ALL"], (name, container["name"])
            mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
            assert "emptyDir" in volumes[mounts["/tmp"]], f"{name}: /tmp must be a writable emptyDir"
            assert "/data" in mounts, f"{name}: settings create folders under AWE_DATA_DIR=/data"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_migrations_run_once_in_a_job_and_replicas_only_wait_for_them(overlay):
    docs = render(overlay)
    job = find(docs, "Job", "migrate")
    assert pod_spec(job)["containers"][0]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    for workload in awe_workloads(docs):
        if workload["kind"] == "Job":
            continue
        for container in [*pod_spec(workload).get("initContainers", []), *pod_spec(workload)["containers"]]:
            command = " ".join(container.get("command", []))
            assert "migrate" not in command or "migrate --check" in command, (workload["metadata"]["name"], command)
    for name in ("web", "worker", "beat"):
        [wait] = pod_spec(find(docs, "Deployment", name))["initContainers"]
        assert "manage.py migrate --check" in " ".join(wait["command"])


def test_every_long_running_awe_pod_has_probes():
    docs = render("prod")

    def container(name: str) -> Doc:
        return dict(pod_spec(find(docs, "Deployment", name))["containers"][0])

    worker, beat = container("worker"), container("beat")
    ping = " ".join(worker["livenessProbe"]["exec"]["command"])
    assert "celery -A awe_project inspect ping -d celery@$HOSTNAME" in ping and worker["command"][:4] == [
        "celery", "-A", "awe_project", "worker"
    ]  # fmt: skip
    assert "-n" not in worker["command"], "the probe pings Celery's default node name, celery@<pod name>"
    schedule = beat["command"][beat["command"].index("-s") + 1]
    assert Path(schedule).name + "*" in " ".join(beat["livenessProbe"]["exec"]["command"])
    assert Path(schedule).parent.as_posix() in " ".join(beat["livenessProbe"]["exec"]["command"])
    flower = container("flower")
    assert flower["readinessProbe"]["httpGet"]["path"] == flower["livenessProbe"]["httpGet"]["path"] == "/healthcheck"
    hosts = find(docs, "ConfigMap", "awe-config")["data"]["ALLOWED_HOSTS"].split(",")
    web = container("web")
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        headers = {h["name"]: h["value"] for h in web[probe]["httpGet"]["httpHeaders"]}
        assert headers["Host"] in hosts, f"web's {probe} would be refused by ALLOWED_HOSTS"
    for name in ("coder", "tailor"):
        assert "tcpSocket" in container(name)["readinessProbe"] and "tcpSocket" in container(name)["livenessProbe"]


def test_flower_runs_behind_basic_auth_from_its_own_secret():
    flower = pod_spec(find(render("prod"), "Deployment", "flower"))["containers"][0]
    assert flower["command"][:3] == ["python", "-m", "awe_project.flower"]
    assert {"secretRef": {"name": "awe-flower"}} in flower["envFrom"]
    env = {e["name"]: e.get("value") for e in flower.get("env", [])}
    assert env.get("FLOWER_ADDRESS") == "0.0.0.0"  # only with sign-in: awe_project.flower refuses otherwise


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_coder_and_tailor_are_http_services_with_hpas_that_awe_is_configured_to_use(overlay):
    docs = render(overlay)
    servers = {s["name"]: s for s in json.loads(find(docs, "ConfigMap", "awe-config")["data"]["AWE_MCP_SERVERS"])}
    assert set(servers) == {"coder", "tailor"}
    for name, server in servers.items():
        command = pod_spec(find(docs, "Deployment", name))["containers"][0]["command"]
        assert command[:3] == ["python", "-m", f"tools.services.{name}"] and "http" in command
        port = int(command[command.index("--port") + 1])
        assert server["transport"] == "http" and server["url"] == f"http://{name}:{port}/mcp"
        [service_port] = find(docs, "Service", name)["spec"]["ports"]
        assert service_port["port"] == port
        hpa = find(docs, "HorizontalPodAutoscaler", name)
        assert hpa["spec"]["scaleTargetRef"]["name"] == name and hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]


def redis_lists_holding_work() -> set[str]:
    """Every Redis list Celery fills on the production broker, from the settings themselves."""
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "o = s.CELERY_BROKER_TRANSPORT_OPTIONS; "
        "print(json.dumps([[q.name for q in s.CELERY_TASK_QUEUES], o['priority_steps'], o['sep']]))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "awe_project.settings", "CELERY_BROKER_URL": "redis://redis:6379/0"}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    queues, steps, sep = json.loads(out.stdout.strip().splitlines()[-1])
    return {f"{q}{sep}{step}" if step else q for q in queues if q != "dlq" for step in steps}


def test_keda_scales_workers_on_every_redis_list_that_holds_work():
    docs = render("prod")
    scaled = find(docs, "ScaledObject", "worker")
    assert scaled["spec"]["scaleTargetRef"]["name"] == "worker"
    triggers = scaled["spec"]["triggers"]
    lists = {t["metadata"]["listName"] for t in triggers}
    expected = redis_lists_holding_work()
    assert {"tools", "tools:1", "tools:9", "llm:5", "mcp"} <= expected and "dlq" not in expected
    assert lists == expected
    names = [t["name"] for t in triggers]
    formula = scaled["spec"]["advanced"]["scalingModifiers"]["formula"]
    assert sorted(re.findall(r"\w+", formula)) == sorted(names), "the metric must be the sum of every list"
    assert set(re.findall(r"[^\w\s]", formula)) == {"+"}
    config = find(docs, "ConfigMap", "awe-config")["data"]
    for trigger in triggers:
        assert trigger["type"] == "redis" and trigger["metadata"]["databaseIndex"] == "0"
        assert trigger["metadata"]["addressFromEnv"] in config  # resolved from the worker's environment
        assert trigger["metadata"]["passwordFromEnv"] == "REDIS_PASSWORD"


def test_the_local_overlays_secrets_carry_every_key_the_manifests_read():
    import kubernetes_validate

    out = subprocess.run(
        [sys.executable, "-m", "deploy.local_secrets"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    secrets = {d["metadata"]["name"]: d for d in yaml.safe_load_all(out.stdout)}
    for secret in secrets.values():
        kubernetes_validate.validate(secret, KUBERNETES_VERSION, strict=True)
    docs = render("local")
    for doc in docs:
        for key_ref in re.findall(r"secretKeyRef': \{'name': '([\w-]+)', 'key': '(\w+)'", str(doc)):
            assert key_ref[1] in secrets[key_ref[0]]["stringData"], key_ref
    app = secrets["awe-secrets"]["stringData"]
    assert {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "REDIS_PASSWORD"} <= set(app)
    assert f":{app['REDIS_PASSWORD']}@redis:6379/0" in app["CELERY_BROKER_URL"]
    assert secrets["awe-flower"]["stringData"]["FLOWER_BASIC_AUTH"].count(":") == 1
    assert local_secrets_differ(), "every run draws new passwords"


def local_secrets_differ() -> bool:
    from deploy.local_secrets import local_secrets

    return local_secrets() != local_secrets()


# --- docker compose ---------------------------------------------------------------------------------
@cache
def compose() -> Doc:
    return dict(yaml.safe_load((ROOT / "docker-compose.yml").read_text()))


def test_compose_runs_the_production_footprint_with_secrets_that_must_be_set():
    services = compose()["services"]
    assert {"migrate", "web", "worker", "beat", "flower", "coder", "tailor", "postgres", "redis"} <= set(services)
    env = services["web"]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://") and env["CELERY_BROKER_URL"].startswith("redis://")
    assert env["SECRET_KEY"] == "${SECRET_KEY:?set SECRET_KEY in .env}"  # no default key
    assert "*" not in env["ALLOWED_HOSTS"]
    postgres_password = services["postgres"]["environment"]["POSTGRES_PASSWORD"]
    for value in (env["DATABASE_URL"], env["CELERY_BROKER_URL"], postgres_password):
        assert re.search(r"\$\{(POSTGRES|REDIS)_PASSWORD(:\?[^}]*)?\}", value), value
    assert "--requirepass" in " ".join(services["redis"]["command"])


def test_compose_web_worker_and_beat_wait_for_the_one_shot_migrate():
    services = compose()["services"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
        assert "migrate" not in " ".join(services[name]["command"])


def test_every_long_running_compose_service_has_a_healthcheck():
    services = compose()["services"]
    for name, service in services.items():
        if name == "migrate":
            continue  # one-shot: judged by its exit status (service_completed_successfully)
        if name == "otel-collector":
            continue  # its image has no shell or client to probe with; nothing waits on it
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    assert "inspect ping -d celery@$$HOSTNAME" in " ".join(services["worker"]["healthcheck"]["test"])
    assert "beat-schedule*" in " ".join(services["beat"]["healthcheck"]["test"])
    assert "/healthcheck" in " ".join(services["flower"]["healthcheck"]["test"])


def test_compose_workers_use_the_coder_and_tailor_http_services():
    services = compose()["services"]
    servers = {s["name"]: s for s in json.loads(services["worker"]["environment"]["AWE_MCP_SERVERS"])}
    assert set(servers) == {"coder", "tailor"}
    for name, server in servers.items():
        command = services[name]["command"]
        assert command[:3] == ["python", "-m", f"tools.services.{name}"]
        assert command[command.index("--transport") + 1] == "http" and command[command.index("--host") + 1] == "0.0.0.0"
        port = command[command.index("--port") + 1]
        assert server["url"] == f"http://{name}:{port}/mcp"
        assert services[name]["environment"]["MCP_PORT"] == port  # what its healthcheck connects to
        assert services["worker"]["depends_on"][name] == {"condition": "service_healthy"}


def test_compose_flower_needs_sign_in_and_is_published_on_loopback_only():
    flower = compose()["services"]["flower"]
    assert flower["command"][:3] == ["python", "-m", "awe_project.flower"]
    assert flower["environment"]["FLOWER_BASIC_AUTH"].startswith("${FLOWER_BASIC_AUTH:?")
    assert all(port.startswith("127.0.0.1:") for port in flower["ports"])


def test_make_targets_for_deployment_exist_and_are_documented():
    makefile = (ROOT / "Makefile").read_text()
    readme = (ROOT / "README.md").read_text()
    for target in ("up", "up-workers", "down", "k8s-tools", "k8s-apply", "k8s-apply-local", "k8s-secrets-local",
                   "k8s-up-local", "k8s-down-local", "k8s-sync-shared", "k8s-sync-workspace", "k8s-sync-artifacts",
                   "flower"):  # fmt: skip
        assert re.search(rf"^{re.escape(target)}:", makefile, flags=re.M), f"make {target} is missing"
        assert re.search(rf"\b{re.escape(target)}\b", readme), f"README.md does not mention make {target}"
    assert "k8s-tools" in shlex.split(re.search(r"^test:(.*?)##", makefile, flags=re.M).group(1))
