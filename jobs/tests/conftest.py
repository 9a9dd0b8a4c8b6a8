from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="module")
def pg_stack(module_stack_factory: Any) -> Any:
    """The production footprint for shell scripts (``jobs.tests.shell``); no MCP discovery when a
    plan is checked."""
    return module_stack_factory("production", AWE_MCP_SERVERS="[]")
