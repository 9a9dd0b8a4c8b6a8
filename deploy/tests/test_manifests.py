"""Deployment files parse, reference what exists, and every setting is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = [*sorted((ROOT / "deploy").rglob("*.yaml")), ROOT / "docker-compose.yml"]


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_manifest_parses(path):
    documents = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    assert documents, f"{path} is empty"


@pytest.mark.parametrize("path", sorted((ROOT / "deploy").rglob("kustomization.yaml")), ids=lambda p: p.parent.name)
def test_kustomizations_reference_existing_files(path):
    spec = yaml.safe_load(path.read_text())
    for resource in spec.get("resources", []):
        assert (path.parent / resource).exists(), f"{path}: missing {resource}"


def test_compose_services_use_the_production_settings():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert {"web", "worker", "postgres", "redis"} <= set(compose["services"])
    env = compose["x-awe"]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://") and env["CELERY_BROKER_URL"].startswith("redis://")


def test_every_setting_read_from_the_environment_is_in_env_example():
    settings_src = (ROOT / "awe_project" / "settings.py").read_text()
    names = set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", settings_src))
    assert "DATABASE_URL" in names and "CELERY_BROKER_URL" in names
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.M))
    assert names - documented == set(), f"add these to .env.example: {sorted(names - documented)}"
