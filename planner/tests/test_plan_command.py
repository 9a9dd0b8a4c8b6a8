"""``manage.py plan`` prints a validated DAG without running anything."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from jobs.models import Job

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("plan", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_tree_shows_critical_path_and_width():
    text = run("Write a quarterly report on costs", "--provider", "heuristic")
    assert "- section_0 [llm.generate_text]" in text
    assert "5 tasks, critical path 2 tasks, width 4 (planner: heuristic:document-report)" in text
    assert not Job.objects.exists()


def test_json_output_is_the_plan():
    plan = json.loads(run("Say hello", "--json"))
    assert [t["id"] for t in plan["tasks"]] == ["brief", "checklist", "risks", "summary"]


def test_bad_context_is_refused():
    with pytest.raises(CommandError, match="not valid JSON"):
        run("Say hello", "--context", "{")
