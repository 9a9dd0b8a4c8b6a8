"""The PostgreSQL connection options read from the environment, checked in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PG_URL, require_service

ROOT = Path(__file__).resolve().parents[2]

# Runs one statement seven times through Django's connection, then lists what the session prepared.
PROBE = """
from django.db import connection
with connection.cursor() as cursor:
    for n in range(7):
        cursor.execute("SELECT %s::int + 1", [n])
    cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::int%%'")
    print(connection.settings_dict["OPTIONS"], cursor.fetchone()[0])
"""


def _shell(tmp_path: Path, code: str = PROBE, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "AWE_DATA_DIR": str(tmp_path), "DATABASE_URL": f"{PG_URL}/postgres", **env}
    return subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=60)  # fmt: skip


@pytest.mark.production
def test_statements_a_connection_repeats_are_prepared_by_default(tmp_path):
    require_service("PostgreSQL", "127.0.0.1", 5432)
    done = _shell(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "'server_side_binding': True" in done.stdout
    assert done.stdout.split()[-1] == "1"  # prepared after its fifth run


@pytest.mark.production
def test_prepared_statements_can_be_turned_off_for_a_pooler(tmp_path):
    require_service("PostgreSQL", "127.0.0.1", 5432)
    done = _shell(tmp_path, DATABASE_PREPARE_THRESHOLD="none")
    assert done.returncode == 0, done.stderr
    assert "'prepare_threshold': None" in done.stdout
    assert done.stdout.split()[-1] == "0"


def test_a_bad_prepare_threshold_stops_start_up_naming_the_setting(tmp_path):
    done = _shell(tmp_path, DATABASE_PREPARE_THRESHOLD="often")
    assert done.returncode != 0
    assert "DATABASE_PREPARE_THRESHOLD='often'" in done.stderr


def test_a_database_url_of_another_engine_gets_no_postgresql_options(tmp_path):
    code = "from django.db import connection; connection.ensure_connection(); print(connection.vendor)"
    done = _shell(tmp_path, code, DATABASE_URL=f"sqlite:///{tmp_path / 'awe.sqlite3'}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "sqlite"
