"""/api/docs (Swagger UI) in a real browser with no network: every file it needs comes from AWE."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from conftest import ROOT, unavailable

pytestmark = pytest.mark.integration

CHROMIUM = Path(os.environ.get("AWE_CHROMIUM", "/usr/bin/chromium"))
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _require_browser() -> None:
    if not CHROMIUM.exists():
        unavailable(f"no chromium at {CHROMIUM} (make browser, or apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("playwright is not installed (make install-dev)")


def test_swagger_ui_renders_every_operation_with_no_network(stack_factory: Any) -> None:
    _require_browser()
    from playwright.sync_api import Route, sync_playwright
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    stack = stack_factory("embedded")
    stack.start_web()
    schema = stack.get("/api/schema", params={"format": "json"}).json()
    operations = sum(1 for item in schema["paths"].values() for method in item if method in METHODS)
    assert operations > 10

    outside: list[str] = []

    def local_only(route: Route) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:  # what a machine without network would fail to load
            outside.append(route.request.url)
            route.abort("internetdisconnected")

    with sync_playwright() as playwright:
        # No name resolves either: a request that slipped past the route would fail, not reach a CDN.
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
        )
        try:
            page = browser.new_page()
            page.route("**/*", local_only)
            page.goto(f"{stack.base}/api/docs")
            # When nothing renders, the assertions below say what was missing.
            with contextlib.suppress(PlaywrightTimeoutError):
                page.wait_for_selector(".opblock", timeout=30_000)
            rendered = page.locator(".opblock").count()
            titles = page.locator(".info .title").all_inner_texts()
            (ROOT / "test-output" / "screenshots").mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ROOT / "test-output" / "screenshots" / "api-docs-offline.png"))
        finally:
            browser.close()

    assert outside == []
    assert [t.split()[:2] for t in titles] == [["AWE", "API"]]
    assert rendered == operations
