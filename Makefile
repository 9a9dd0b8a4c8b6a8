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

.PHONY: help install install-dev frontend migrate run web worker beat flower test test-unit test-integration lint fmt bench docs up down images-build clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(PIP) install -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed  ## create .venv and install the runtime requirements

install-dev: $(VENV)/.installed-dev  ## install runtime + test/lint tooling

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

flower: install  ## Flower dashboard on :5555
	$(BIN)/celery -A awe_project flower --port=5555

test: install-dev frontend  ## everything: unit, integration (embedded + PostgreSQL/Redis)
	$(BIN)/pytest

test-unit: install-dev  ## fast tests only
	$(BIN)/pytest -m "not integration"

lint: install-dev  ## ruff, ruff format --check, mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

fmt: install-dev  ## format the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-dev  ## benchmarks; figures printed and written to docs/performance.md
	$(BIN)/python -m bench

up:  ## docker compose: web, worker, postgres, redis
	docker compose up -d --build

down:
	docker compose down

images-build:  ## build the container image
	docker build -f deploy/Dockerfile -t awe:latest .

clean:  ## remove the embedded data directory and build output
	rm -rf .awe frontend/dist
