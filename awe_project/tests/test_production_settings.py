"""A production footprint refuses the embedded footprint's public key and local hosts, and the
documented production environment passes `manage.py check --deploy`."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from awe_project.production import EMBEDDED_SECRET_KEY, production_services, refusal

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = ROOT / "deploy" / "production.env.example"
GOOD_KEY = "k" + secrets.token_urlsafe(50)
EMBEDDED = {
    "database_url": "",
    "broker_url": "filesystem://localhost//",
    "result_backend": "django-db",
    "eventstream_redis_url": "",
    "document_store_backend": "filesystem",
}


def _clean_env(tmp_path: Path, **env: str) -> dict[str, str]:
    """This process's environment without any AWE setting (nor the suite's test key), plus ``env``."""
    prefixes = ("AWE_", "CELERY_", "DATABASE_", "DOCUMENT_STORE_", "SECURE_", "DJANGO_")
    base = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        base.pop(name, None)
    return {**base, "AWE_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1", **env}


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("database_url", "postgres://awe@db/awe"),
        ("broker_url", "redis://redis:6379/0"),
        ("broker_url", "amqp://guest@rabbit//"),
        ("result_backend", "redis://redis:6379/1"),
        ("eventstream_redis_url", "redis://redis:6379/2"),
        ("document_store_backend", "s3"),
    ],
)
def test_any_production_service_makes_the_defaults_refused(setting, value):
    services = production_services(**{**EMBEDDED, setting: value})
    assert len(services) == 1
    message = refusal(services, "", [])
    assert message is not None
    assert services[0] in message and "SECRET_KEY is not set" in message and "ALLOWED_HOSTS is not set" in message


def test_the_embedded_footprint_runs_on_its_defaults():
    assert production_services(**EMBEDDED) == []
    assert refusal([], "", []) is None


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("", "SECRET_KEY is not set"),
        (EMBEDDED_SECRET_KEY, "SECRET_KEY is the embedded footprint's public default"),
        ("change-me", "SECRET_KEY is weak"),
        ("ab" * 40, "SECRET_KEY is weak"),  # long but only two different characters
        ("django-insecure-" + secrets.token_urlsafe(50), "SECRET_KEY is weak"),
    ],
)
def test_a_missing_default_or_weak_key_is_refused_by_name(key, why):
    message = refusal(["DATABASE_URL"], key, ["awe.example.com"])
    assert message is not None and why in message
    assert "ALLOWED_HOSTS" not in message.split(". Set")[0]  # the hosts were set: only the key is named


def test_missing_hosts_alone_are_refused_by_name():
    message = refusal(["DATABASE_URL"], GOOD_KEY, [])
    assert message is not None and "ALLOWED_HOSTS is not set" in message
    assert "SECRET_KEY is" not in message


def test_a_strong_key_and_explicit_hosts_are_accepted():
    assert refusal(["DATABASE_URL", "CELERY_BROKER_URL"], GOOD_KEY, ["awe.example.com"]) is None


PROCESSES = {
    "web": ["-m", "uvicorn", "awe_project.asgi:application", "--host", "127.0.0.1", "--port", "0"],
    "worker": ["-m", "celery", "-A", "awe_project", "worker", "-l", "info", "--pool", "solo"],
    "beat": ["-m", "celery", "-A", "awe_project", "beat", "-l", "info"],
}


@pytest.mark.parametrize("process", sorted(PROCESSES))
def test_each_process_refuses_to_start_on_production_services_without_key_and_hosts(process, tmp_path):
    # Nothing listens on these ports: a process that did not refuse would keep trying to connect.
    env = _clean_env(
        tmp_path,
        DATABASE_URL="postgres://awe@127.0.0.1:1/awe",
        CELERY_BROKER_URL="redis://127.0.0.1:1/0",
        SECRET_KEY=EMBEDDED_SECRET_KEY,
    )
    args = [sys.executable, *PROCESSES[process]]
    if process == "beat":
        args += ["-s", str(tmp_path / "beat-schedule")]
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        output, _ = proc.communicate()
        pytest.fail(f"{process} did not refuse to start:\n{output[-3000:]}")
    assert proc.returncode != 0, output[-3000:]
    assert "refusing to start: production services are configured (DATABASE_URL, CELERY_BROKER_URL)" in output
    assert "SECRET_KEY is the embedded footprint's public default; ALLOWED_HOSTS is not set" in output


def _production_environment() -> dict[str, str]:
    """The documented production environment (deploy/production.env.example), key filled in."""
    values: dict[str, str] = {}
    for line in PRODUCTION_ENV.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    assert values["SECRET_KEY"] == "", "the example must not carry a key anyone could copy"
    return {**values, "SECRET_KEY": secrets.token_urlsafe(50)}


def test_the_documented_production_environment_passes_check_deploy(tmp_path):
    env = _clean_env(tmp_path, **_production_environment())
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_the_documented_production_environment_without_its_key_refuses_to_start(tmp_path):
    env = _clean_env(tmp_path, **{**_production_environment(), "SECRET_KEY": ""})
    done = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode != 0
    assert "SECRET_KEY is not set" in done.stderr and "ALLOWED_HOSTS" not in done.stderr.split(". Set")[0]


HTTPS_PROBE = """
import json
from django.test import Client
client = Client()
plain = client.get("/")
proxied = client.get("/", headers={"X-Forwarded-Proto": "https"})
probe = client.get("/healthz")
print(json.dumps([plain.status_code, plain.get("Location"), proxied.status_code,
                  proxied.get("Strict-Transport-Security"), probe.status_code]))
"""


def test_behind_the_proxy_plain_http_is_redirected_but_probes_and_https_requests_are_not(tmp_path):
    env = _clean_env(tmp_path, **{**_production_environment(), "DATABASE_URL": f"sqlite:///{tmp_path / 'db'}",
                                  "ALLOWED_HOSTS": "testserver"})  # fmt: skip
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", HTTPS_PROBE], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    plain, location, proxied, hsts, probe = json.loads(done.stdout.splitlines()[-1])
    assert (plain, location) == (301, "https://testserver/")
    assert proxied == 200
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert probe == 200
