"""AWE settings: every value is read from the environment once, here.

Two footprints share this module:

* embedded (nothing set): SQLite and a filesystem Celery broker under ``AWE_DATA_DIR``,
  mock LLM, filesystem artifacts; a laptop needs no server;
* production: ``DATABASE_URL`` (PostgreSQL), ``CELERY_BROKER_URL`` (Redis or RabbitMQ),
  ``CELERY_RESULT_BACKEND`` (Redis), ``AWE_EVENTSTREAM_REDIS_URL``, S3 artifacts.

Every variable is listed with a comment in ``.env.example``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import environ
from kombu import Queue

from awe_project import production
from observability import logs

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Data directory (embedded footprint) -------------------------------------------------
AWE_DATA_DIR = Path(env.str("AWE_DATA_DIR", default=str(BASE_DIR / ".awe"))).resolve()
AWE_WORKSPACES_DIR = Path(env.str("AWE_WORKSPACES_DIR", default=str(AWE_DATA_DIR / "workspaces")))
ARTIFACTS_DIR = Path(env.str("ARTIFACTS_DIR", default=str(AWE_DATA_DIR / "artifacts")))
for _dir in (AWE_DATA_DIR, AWE_WORKSPACES_DIR, ARTIFACTS_DIR):
    _dir.mkdir(parents=True, exist_ok=True)

# --- Core Django ----------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
# The embedded defaults are only ever bound to 127.0.0.1: with a production service configured,
# start-up stops unless both are set (awe_project/production.py, checked at the end of this file).
_SECRET_KEY_SET = env.str("SECRET_KEY", default="")
_ALLOWED_HOSTS_SET = env.list("ALLOWED_HOSTS", default=[])
SECRET_KEY = _SECRET_KEY_SET or production.EMBEDDED_SECRET_KEY
ALLOWED_HOSTS = _ALLOWED_HOSTS_SET or production.EMBEDDED_ALLOWED_HOSTS
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS behind a proxy (docs/operations.md lists the production values; `check --deploy` is clean
# with them). The proxy's header saying the client used HTTPS, e.g. X-Forwarded-Proto: empty trusts none.
_proxy_ssl_header = env.str("SECURE_PROXY_SSL_HEADER", default="").strip()
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# Probes and scrapers call these over plain HTTP from inside the cluster: never redirected.
SECURE_REDIRECT_EXEMPT = env.list("SECURE_REDIRECT_EXEMPT", default=[r"^healthz$", r"^readyz$", r"^metrics$"])
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from /static/: /api/docs works offline
    "django_eventstream",
    "django_celery_results",
    "jobs",
    "planner",
    "executor",
    "tools",
    "frontend",
    "observability",
]

MIDDLEWARE = [
    # First: every later middleware's and the view's log lines carry the request id.
    "observability.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves /static/ (the web app's assets, the admin's) from uvicorn itself: no collectstatic step.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "awe_project.urls"
ASGI_APPLICATION = "awe_project.asgi.application"
WSGI_APPLICATION = "awe_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASE_URL = env.str("DATABASE_URL", default="")
EMBEDDED = not DATABASE_URL
DATABASES: dict[str, dict[str, Any]]
if EMBEDDED:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(AWE_DATA_DIR / "awe.sqlite3"),
            # WAL + IMMEDIATE transactions: workers and the web process write concurrently
            # (chord counters, task rows) without "database is locked".
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "timeout": 20,
            },
            "TEST": {"NAME": str(AWE_DATA_DIR / "test.sqlite3")},
        }
    }
else:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters bound by the server, so that psycopg prepares a statement once it has run it
    # DATABASE_PREPARE_THRESHOLD times on a connection: PostgreSQL then plans the statements every
    # task runs (its claim and its completion) once per connection, not once per task. Behind a
    # pooler in transaction mode that cannot keep prepared statements, set it to "none".
    _prepare = env.str("DATABASE_PREPARE_THRESHOLD", default="5").strip().lower()
    if not (_prepare in ("", "none") or _prepare.isdigit()):
        raise environ.ImproperlyConfigured(
            f"DATABASE_PREPARE_THRESHOLD={_prepare!r}; use a count of runs (0: prepare at once) or none"
        )
    if DATABASES["default"]["ENGINE"].endswith((".postgresql", ".postgis")):  # psycopg 3
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=env.bool("DATABASE_SERVER_SIDE_BINDING", default=True),
            prepare_threshold=int(_prepare) if _prepare.isdigit() else None,
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = AWE_DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The web app (frontend/, built by `make frontend`): index.html is served by frontend.views, its
# hashed bundles (Vite base /static/) as /static/assets/... by WhiteNoise straight from the build.
FRONTEND_DIST_DIR = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [("assets", p) for p in (FRONTEND_DIST_DIR / "assets",) if p.is_dir()]
WHITENOISE_USE_FINDERS = True  # serve from the finders (app dirs + the build), indexed at start-up
WHITENOISE_IMMUTABLE_FILE_TEST = r"^/static/assets/.+-[\w-]{8}\.\w+$"  # Vite's content-hashed names

# --- Artifact storage (django-storages) ---------------------------------------------------------
DOCUMENT_STORE_BACKEND = env.str("DOCUMENT_STORE_BACKEND", default="filesystem")
DOCUMENT_STORE_S3_BUCKET = env.str("DOCUMENT_STORE_S3_BUCKET", default="")
DOCUMENT_STORE_S3_PREFIX = env.str("DOCUMENT_STORE_S3_PREFIX", default="artifacts")
DOCUMENT_STORE_S3_ENDPOINT = env.str("DOCUMENT_STORE_S3_ENDPOINT", default="") or None
DOCUMENT_STORE_S3_REGION = env.str("DOCUMENT_STORE_S3_REGION", default="us-east-1")
if DOCUMENT_STORE_BACKEND not in {"filesystem", "s3"}:
    raise environ.ImproperlyConfigured(
        f"DOCUMENT_STORE_BACKEND must be 'filesystem' or 's3', not {DOCUMENT_STORE_BACKEND!r}"
    )
if DOCUMENT_STORE_BACKEND == "s3" and not DOCUMENT_STORE_S3_BUCKET:
    raise environ.ImproperlyConfigured("DOCUMENT_STORE_BACKEND=s3 needs DOCUMENT_STORE_S3_BUCKET")

_ARTIFACT_STORAGE: dict[str, object]
if DOCUMENT_STORE_BACKEND == "s3":
    _ARTIFACT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": DOCUMENT_STORE_S3_BUCKET,
            "location": DOCUMENT_STORE_S3_PREFIX,
            "endpoint_url": DOCUMENT_STORE_S3_ENDPOINT,
            "region_name": DOCUMENT_STORE_S3_REGION,
            "file_overwrite": True,
        },
    }
else:
    _ARTIFACT_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(ARTIFACTS_DIR)},
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "artifacts": _ARTIFACT_STORAGE,
}

# --- REST API -----------------------------------------------------------------------------------
# Anonymous API calls act as this user in the embedded footprint (bound to 127.0.0.1).
# Empty means every call needs a token or a session: the production default.
AWE_LOCAL_USER = env.str("AWE_LOCAL_USER", default="local" if EMBEDDED else "")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "jobs.api.auth.LocalUserAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: a cross-site form post cannot reach the API (see docs/threat-model.md).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": env.int("AWE_PAGE_SIZE", default=20),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "jobs.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AWE API",
    "DESCRIPTION": "Goal-driven agentic workflow engine: jobs, plans, tasks, events and artifacts.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "OAS_VERSION": "3.1.0",  # plans use JSON Schema 2020-12 (nullable types)
    "ENUM_NAME_OVERRIDES": {"JobStatusEnum": "jobs.models.JobStatus", "TaskStatusEnum": "jobs.models.TaskStatus"},
    "POSTPROCESSING_HOOKS": ["jobs.api.schema.add_plan_components_hooked"],
    # Swagger UI from drf-spectacular-sidecar's pinned copy (static files), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Celery -------------------------------------------------------------------------------------
_BROKER_DIR = AWE_DATA_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost//")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="django-db")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object]
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _sub in ("queue", "processed", "control", "staging"):
        (_BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    # kombu's filesystem transport with atomic writes (see awe_project/filesystem_broker.py).
    CELERY_BROKER_TRANSPORT = "awe_project.filesystem_broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR / "queue"),
        "data_folder_out": str(_BROKER_DIR / "queue"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "control_folder": str(_BROKER_DIR / "control"),
        "staging_folder": str(_BROKER_DIR / "staging"),
        "store_processed": False,
        # The default 1 s polling makes every hop of a chain take a second.
        "polling_interval": env.float("AWE_BROKER_POLL_S", default=0.02),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than the longest tool timeout, so an unacked message is not redelivered early.
        "visibility_timeout": env.int("AWE_VISIBILITY_TIMEOUT_S", default=3600),
        # Redis: ten priority levels, served in priority order (executor.routing maps job priority).
        "priority_steps": list(range(10)),
        "queue_order_strategy": "priority",
        "sep": ":",
    }
# Queues by tool family, plus the dead-letter queue that no worker consumes by default.
CELERY_TASK_QUEUES = [
    Queue(name, routing_key=name, queue_arguments={"x-max-priority": 10}) for name in ("tools", "llm", "mcp", "dlq")
]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Workers keep their database connection across tasks (awe_project.celery recycles it by
# CONN_MAX_AGE and health checks); this holds off Celery's fix-up that closes it after every task.
CELERY_DB_REUSE_MAX = 10**9
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXTENDED = False
CELERY_RESULT_EXPIRES = env.int("AWE_RESULT_EXPIRES_S", default=24 * 3600)
CELERY_TASK_DEFAULT_QUEUE = "tools"
CELERY_TASK_ROUTES = {"executor.plan_job": {"queue": "tools"}}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_SEND_TASK_EVENTS = env.bool("AWE_CELERY_TASK_EVENTS", default=True)
CELERY_TASK_SEND_SENT_EVENT = True

# --- Live events (django-eventstream) ------------------------------------------------------------
EVENTSTREAM_STORAGE_CLASS = "jobs.eventstore.EventTableStorage"
EVENTSTREAM_CHANNELMANAGER_CLASS = "jobs.eventstore.JobChannelManager"
AWE_EVENTSTREAM_REDIS_URL = env.str("AWE_EVENTSTREAM_REDIS_URL", default="")
# Without Redis, each web process tails the Event table this often for live delivery (jobs/live.py).
AWE_EVENTS_POLL_S = env.float("AWE_EVENTS_POLL_S", default=0.05)
# With it, how long a process's publisher waits after an event for more to send with it (jobs/publisher.py).
AWE_EVENTS_LINGER_S = env.float("AWE_EVENTS_LINGER_S", default=0.01)
if not 0 <= AWE_EVENTS_LINGER_S <= 1:
    raise environ.ImproperlyConfigured(f"AWE_EVENTS_LINGER_S={AWE_EVENTS_LINGER_S}; use 0 to 1 (seconds)")
if AWE_EVENTSTREAM_REDIS_URL:
    _redis = urlparse(AWE_EVENTSTREAM_REDIS_URL)
    EVENTSTREAM_REDIS = {
        "host": _redis.hostname or "127.0.0.1",
        "port": _redis.port or 6379,
        "db": int((_redis.path or "/0").lstrip("/") or 0),
        **({"password": _redis.password} if _redis.password else {}),
    }

# --- Production safety ----------------------------------------------------------------------------
_refusal = production.refusal(
    production.production_services(
        database_url=DATABASE_URL,
        broker_url=CELERY_BROKER_URL,
        result_backend=CELERY_RESULT_BACKEND,
        eventstream_redis_url=AWE_EVENTSTREAM_REDIS_URL,
        document_store_backend=DOCUMENT_STORE_BACKEND,
    ),
    _SECRET_KEY_SET,
    _ALLOWED_HOSTS_SET,
)
if _refusal:
    raise environ.ImproperlyConfigured(_refusal)

# --- Planner, LLM and tools ---------------------------------------------------------------------
PLANNER_MODE = env.str("PLANNER_MODE", default="mock")
LLM_PROVIDER = env.str("LLM_PROVIDER", default="mock")
for _name, _value, _known in (
    ("PLANNER_MODE", PLANNER_MODE, {"mock", "heuristic", "llm"}),
    ("LLM_PROVIDER", LLM_PROVIDER, {"mock", "openai"}),
):
    if _value not in _known:
        raise environ.ImproperlyConfigured(f"{_name}={_value!r} is not known; choose one of {sorted(_known)}")
# LLM-backed tools (llm.*): mock stays offline, llm uses LLM_PROVIDER.
WORKER_MODE = env.str("WORKER_MODE", default="mock")
if WORKER_MODE not in {"mock", "llm"}:
    raise environ.ImproperlyConfigured(f"WORKER_MODE={WORKER_MODE!r} is not known; choose one of ['llm', 'mock']")
PLANNER_MAX_REPAIRS = env.int("PLANNER_MAX_REPAIRS", default=2)
OPENAI_MODEL = env.str("OPENAI_MODEL", default="gpt-4o-mini")
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
_openai_base = env.str("OPENAI_BASE_URL", default="")
# The seed writes the bare host (https://api.openai.com); the SDK wants the /v1 API root.
OPENAI_BASE_URL = (
    f"{_openai_base.rstrip('/')}/v1" if _openai_base and not urlparse(_openai_base).path.strip("/") else _openai_base
)
OPENAI_TIMEOUT_S = env.float("OPENAI_TIMEOUT_S", default=60.0)
OPENAI_MAX_RETRIES = env.int("OPENAI_MAX_RETRIES", default=2)
# Prices per model: {"gpt-4o-mini": {"input_per_mtok": 0.15, "output_per_mtok": 0.6}}
AWE_LLM_PRICES = env.json("AWE_LLM_PRICES", default={})
# Budget every job gets unless its POST body says otherwise: max_tasks, max_tokens, max_cost_usd, max_parallel.
AWE_DEFAULT_BUDGET = env.json("AWE_DEFAULT_BUDGET", default={})
# What a plan's tasks are expected to spend, per tool, for the budget check before a plan runs.
AWE_TOOL_ESTIMATES = env.json(
    "AWE_TOOL_ESTIMATES",
    default={
        "llm.generate_text": {"tokens": 2000},
        "llm.generate_json": {"tokens": 2000},
        "llm.summarize": {"tokens": 1500},
        "documents.generate": {"tokens": 4000},
        "documents.improve": {"tokens": 4000},
        "documents.iterate": {"tokens": 12000},
        "openapi.generate": {"tokens": 8000},
    },
)
AWE_TOOL_MODULES = env.list("AWE_TOOL_MODULES", default=[])
# A tool output whose JSON is bigger is saved in full as an artifact and returned with its longest strings cut.
AWE_TOOL_OUTPUT_MAX_BYTES = env.int("AWE_TOOL_OUTPUT_MAX_BYTES", default=262144)
# Hosts core.http_request may call: "host" (any port) or "host:port", comma-separated. Empty: every call refused.
AWE_HTTP_ALLOWLIST = env.list("AWE_HTTP_ALLOWLIST", default=[])
# MCP servers whose tools register as mcp.<server>.<tool> (docs/tools.md): a JSON list of {name, transport:
# stdio|http, command (stdio) or url (http), timeout_s, connect_timeout_s, env, inherit_env}; [] turns MCP off.
# Checked when the tools app starts. Default: the built-in coder and tailor services over stdio.
_MCP_BUILTIN = [
    {"name": name, "transport": "stdio", "command": [sys.executable, "-m", f"tools.services.{name}"],
     "timeout_s": timeout_s, "inherit_env": True}
    for name, timeout_s in (("coder", 300), ("tailor", 120))
]  # fmt: skip
_mcp_servers = env.str("AWE_MCP_SERVERS", default="")
try:
    AWE_MCP_SERVERS: Any = json.loads(_mcp_servers) if _mcp_servers.strip() else _MCP_BUILTIN
except json.JSONDecodeError as _exc:
    raise environ.ImproperlyConfigured(f"AWE_MCP_SERVERS is not valid JSON: {_exc}") from _exc
# Where the coder MCP service keeps its workspaces. Default: $AWE_DATA_DIR/coder
CODER_WORKSPACE_DIR = Path(env.str("CODER_WORKSPACE_DIR", default=str(AWE_DATA_DIR / "coder")))
# The tailor MCP service's evaluator: heuristic (keyword/requirement coverage and structure), self (the
# generation provider grades) or llm (TAILOR_EVAL_PROVIDER grades). Default: heuristic
TAILOR_EVAL_MODE = env.str("TAILOR_EVAL_MODE", default="heuristic")
# The llm mode's provider: mock or openai (OPENAI_BASE_URL and OPENAI_API_KEY, with the model, timeout and
# retries below, which default to the OPENAI_* values). Default: mock
TAILOR_EVAL_PROVIDER = env.str("TAILOR_EVAL_PROVIDER", default="mock")
for _name, _value, _known in (
    ("TAILOR_EVAL_MODE", TAILOR_EVAL_MODE, {"llm", "heuristic", "self"}),
    ("TAILOR_EVAL_PROVIDER", TAILOR_EVAL_PROVIDER, {"mock", "openai"}),
):
    if _value not in _known:
        raise environ.ImproperlyConfigured(f"{_name}={_value!r} is not known; choose one of {sorted(_known)}")
TAILOR_EVAL_OPENAI_MODEL = env.str("TAILOR_EVAL_OPENAI_MODEL", default=OPENAI_MODEL)
TAILOR_EVAL_OPENAI_TIMEOUT_S = env.float("TAILOR_EVAL_OPENAI_TIMEOUT_S", default=OPENAI_TIMEOUT_S)
TAILOR_EVAL_OPENAI_MAX_RETRIES = env.int("TAILOR_EVAL_OPENAI_MAX_RETRIES", default=OPENAI_MAX_RETRIES)
AWE_MAX_PLAN_TASKS = env.int("AWE_MAX_PLAN_TASKS", default=200)
AWE_MAX_ATTEMPTS = env.int("AWE_MAX_ATTEMPTS", default=3)
AWE_RETRY_POLICY = env.str("AWE_RETRY_POLICY", default="transient")
if AWE_RETRY_POLICY not in {"transient", "any", "none"}:
    raise environ.ImproperlyConfigured(f"AWE_RETRY_POLICY={AWE_RETRY_POLICY!r}; choose transient, any or none")
AWE_RETRY_BACKOFF_S = env.float("AWE_RETRY_BACKOFF_S", default=1.0)
AWE_RETRY_BACKOFF_MAX_S = env.float("AWE_RETRY_BACKOFF_MAX_S", default=60.0)
AWE_DLQ_ENABLED = env.bool("AWE_DLQ_ENABLED", default=True)
# Celery carries what follows a task in its message: a canvas ends where one message would carry
# more tasks than this, and the rest is sent in segments as it becomes ready (0: no bound).
AWE_CANVAS_MAX_TASKS = env.int("AWE_CANVAS_MAX_TASKS", default=32)
if AWE_CANVAS_MAX_TASKS < 0:
    raise environ.ImproperlyConfigured(f"AWE_CANVAS_MAX_TASKS={AWE_CANVAS_MAX_TASKS}; use 0 (no bound) or more")
# Replan a job once, automatically, when a task fails for good.
AWE_AUTO_REPLAN_ON_FAILURE = env.bool("AWE_AUTO_REPLAN_ON_FAILURE", default=False)
# A running attempt beats this often; three missed beats mean its worker is gone.
AWE_HEARTBEAT_S = env.float("AWE_HEARTBEAT_S", default=5.0)
# The reconciler re-sends lost messages, fails over dead workers' tasks and settles jobs.
AWE_RECONCILE_INTERVAL_S = env.float("AWE_RECONCILE_INTERVAL_S", default=30.0)
# A running or queued job with no event for this long is looked at by the reconciler.
AWE_RECONCILE_STALE_S = env.float("AWE_RECONCILE_STALE_S", default=120.0)
# Planning a job (every LLM call and repair) stops after this long; a job still planning this
# long (plus a minute) after its last event lost its planner, and the reconciler fails it.
AWE_PLANNING_TIMEOUT_S = env.float("AWE_PLANNING_TIMEOUT_S", default=900.0)
CELERY_BEAT_SCHEDULE = {
    "reconcile": {
        "task": "executor.reconcile",
        "schedule": AWE_RECONCILE_INTERVAL_S,
        "options": {"expires": AWE_RECONCILE_INTERVAL_S},
    },
}

# --- Observability (docs/operations.md, "What to watch") --------------------------------------------
# Log lines: json (one object per line) or text. Default: text embedded, json in production.
AWE_LOG_FORMAT = env.str("AWE_LOG_FORMAT", default="text" if EMBEDDED else "json")
if AWE_LOG_FORMAT not in {"json", "text"}:
    raise environ.ImproperlyConfigured(f"AWE_LOG_FORMAT={AWE_LOG_FORMAT!r}; choose json or text")
LOGGING = logs.config(AWE_LOG_FORMAT, env.str("LOG_LEVEL", default="INFO"))
AWE_METRICS_ENABLED = env.bool("AWE_METRICS_ENABLED", default=True)
# prometheus_client's multiprocess directory, shared by the processes of one host or container
# (web processes, a worker's pool); each container needs its own (pids collide across containers).
AWE_METRICS_DIR = Path(env.str("AWE_METRICS_DIR", default=str(AWE_DATA_DIR / "metrics")))
if AWE_METRICS_ENABLED:
    AWE_METRICS_DIR.mkdir(parents=True, exist_ok=True)
    # Read by prometheus_client itself when it is imported: set before anything imports it.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(AWE_METRICS_DIR)
# Bearer token for GET /metrics. Without one, production answers only staff users (401/403 otherwise).
AWE_METRICS_TOKEN = env.str("AWE_METRICS_TOKEN", default="")
# A worker serves its own metrics on this port (0: off; its host's /metrics covers it when they share AWE_METRICS_DIR).
AWE_WORKER_METRICS_PORT = env.int("AWE_WORKER_METRICS_PORT", default=0)
AWE_WORKER_METRICS_ADDR = env.str("AWE_WORKER_METRICS_ADDR", default="127.0.0.1")
# Tracing is on when an OTLP endpoint is set; the SDK reads every other OTEL_* variable itself.
OTEL_TRACES_ENDPOINT = env.str("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", default="") or env.str(
    "OTEL_EXPORTER_OTLP_ENDPOINT", default=""
)
OTEL_SERVICE_NAME = env.str("OTEL_SERVICE_NAME", default="")  # default: awe-web, awe-worker
OTEL_ENABLED = bool(OTEL_TRACES_ENDPOINT) and not env.bool("OTEL_SDK_DISABLED", default=False)
