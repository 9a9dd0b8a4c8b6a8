"""Plugins named in AWE_TOOL_MODULES register tools with the same decorator as the core tools."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools import registry

ROOT = Path(__file__).resolve().parents[2]


def test_a_plugin_module_is_loaded_at_start_up_and_its_tool_is_listed(tmp_path):
    env = {**os.environ, "AWE_DATA_DIR": str(tmp_path), "AWE_TOOL_MODULES": "tools.tests.plugin_example"}
    code = (
        "import json; from tools.registry import catalogue; print(json.dumps(catalogue()['example.greet'].describe()))"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    described = json.loads(out.stdout.strip().splitlines()[-1])
    assert described["description"] == "Greet someone by name."
    assert described["input_schema"]["required"] == ["name"]


def test_an_unknown_plugin_module_names_the_setting():
    with pytest.raises(ImportError, match=r"AWE_TOOL_MODULES.*no_such_plugin"):
        registry.load_tool_modules(["no_such_plugin"])


def test_two_tools_cannot_share_a_name():
    spec = registry.get("core.wait")
    assert spec is not None
    with pytest.raises(ValueError, match="already registered"):
        registry.register(registry.ToolSpec(**{**spec.__dict__, "handler": lambda i, c: {}}))
