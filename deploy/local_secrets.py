"""The Secrets of the local Kubernetes overlay, with fresh random values: ``make k8s-secrets-local``.

``python -m deploy.local_secrets`` prints ``awe-secrets`` and ``awe-flower`` as YAML for
``kubectl apply -f -`` (the Make target does that only when ``awe-secrets`` does not exist yet, so
passwords are not changed under running pods), and tells on stderr how to read Flower's password.
Their URLs name the throwaway PostgreSQL and Redis of ``deploy/k8s/overlays/local``. In production
you create the same two Secrets yourself (deploy/k8s/README.md).
"""

from __future__ import annotations

import secrets
import sys

import yaml

NAMESPACE = "awe"


def local_secrets() -> list[dict[str, object]]:
    pg, redis, flower = (secrets.token_hex(24) for _ in range(3))
    app = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"postgres://awe:{pg}@postgres:5432/awe",
        "CELERY_BROKER_URL": f"redis://:{redis}@redis:6379/0",
        "CELERY_RESULT_BACKEND": f"redis://:{redis}@redis:6379/1",
        "AWE_EVENTSTREAM_REDIS_URL": f"redis://:{redis}@redis:6379/2",
        "POSTGRES_PASSWORD": pg,  # the local PostgreSQL's own (data-services.yaml)
        "REDIS_PASSWORD": redis,  # the local Redis's, and KEDA's (keda-worker.yaml)
    }
    return [
        _secret("awe-secrets", app),
        _secret("awe-flower", {"FLOWER_BASIC_AUTH": f"admin:{flower}"}),
    ]


def _secret(name: str, data: dict[str, str]) -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name, "namespace": NAMESPACE},
        "type": "Opaque",
        "stringData": data,
    }


if __name__ == "__main__":
    sys.stdout.write(yaml.safe_dump_all(local_secrets(), sort_keys=False))
    sys.stderr.write(
        "Flower's sign-in: kubectl -n awe get secret awe-flower -o jsonpath='{.data.FLOWER_BASIC_AUTH}' | base64 -d\n"
    )
