"""The web app in a real browser: Debian's chromium driven by Playwright against a running AWE
(uvicorn + a Celery worker on the embedded footprint). Every page is screenshotted under
test-output/screenshots/, and any console error fails the test that caused it."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, unavailable

pytestmark = pytest.mark.integration

CHROMIUM = Path(os.environ.get("AWE_CHROMIUM", "/usr/bin/chromium"))
SHOTS = ROOT / "test-output" / "screenshots"
SEED = "Generate an implementation checklist and artifact summary"
ALL_SUCCEEDED = """() => {
  const nodes = [...document.querySelectorAll('[data-testid^="dag-node-"]')];
  return nodes.length > 0 && nodes.every((n) => n.dataset.status === "succeeded");
}"""
# Expected 4xx answers are logged by chromium as "Failed to load resource"; the page must still
# say what went wrong (each such test checks it does).
HTTP_4XX = re.compile(r"^Failed to load resource: the server responded with a status of 4\d\d")


def _require_browser() -> None:
    problems = []
    if not CHROMIUM.exists():
        problems.append(f"no chromium at {CHROMIUM} (make browser, or apt-get install chromium)")
    if not (ROOT / "frontend" / "dist" / "index.html").exists():
        problems.append("the web app is not built (make frontend)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("playwright is not installed (make install-dev)")
    if problems:
        unavailable("; ".join(problems))


@pytest.fixture(scope="module")
def site(module_stack_factory: Any) -> Any:
    _require_browser()
    stack = module_stack_factory("embedded")
    stack.start_web()
    stack.start_worker()
    stack.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; User.objects.create_user('bob', password='bob-pass-1234')",
    )
    return stack


@pytest.fixture(scope="module")
def browser(site: Any) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


class Page:
    """A browser tab on the site that collects console errors and takes named screenshots."""

    def __init__(self, browser: Any, site: Any, **context: Any) -> None:
        self.site = site
        self.context = browser.new_context(accept_downloads=True, **context)
        self.tab = self.context.new_page()
        self.tab.set_default_timeout(30_000)
        self.errors: list[str] = []
        self.allow_4xx = False
        self.tab.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.tab.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))

    def go(self, path: str) -> Any:
        self.tab.goto(f"{self.site.base}{path}")
        return self.tab

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()
        errors = [e for e in self.errors if not (self.allow_4xx and HTTP_4XX.match(e))]
        assert errors == [], f"console errors: {errors}"


@pytest.fixture
def page(browser: Any, site: Any) -> Iterator[Page]:
    tab = Page(browser, site, viewport={"width": 1280, "height": 900})
    yield tab
    tab.close()


def _job_id(url: str) -> str:
    found = re.search(r"/jobs/([0-9a-f-]{36})", url)
    assert found, url
    return found.group(1)


def _submit_in_form(page: Page, goal: str, plan: dict[str, Any] | None = None) -> str:
    tab = page.go("/jobs/new")
    tab.get_by_test_id("goal").fill(goal)
    if plan is not None:
        tab.get_by_test_id("plan-mode-explicit").check()
        tab.get_by_test_id("plan-json").fill(json.dumps(plan))
    tab.get_by_test_id("submit-job").click()
    tab.wait_for_url(re.compile(r".*/jobs/[0-9a-f-]{36}$"))
    return _job_id(tab.url)


def test_a_submitted_goal_turns_every_dag_node_green_without_a_reload(page: Page) -> None:
    tab = page.go("/jobs/new")
    page.shot("new-job")
    navigations: list[str] = []
    job_id = _submit_in_form(page, SEED)
    tab.on("framenavigated", lambda frame: navigations.append(frame.url))
    tab.wait_for_function(ALL_SUCCEEDED)
    tab.wait_for_selector('[data-testid="job-page"][data-job-status="succeeded"]')
    assert navigations == [], "the page should update live, not reload"
    nodes = tab.locator('[data-testid^="dag-node-"]')
    tasks = page.site.get(f"/api/jobs/{job_id}/tasks").json()
    assert nodes.count() == len(tasks) >= 4
    page.shot("job-succeeded")
    page.go("/")
    tab.get_by_test_id(f"job-row-{job_id}").wait_for()
    page.shot("jobs")
    page.go("/tools")
    tab.get_by_test_id("tool-core.write_file").wait_for()
    page.shot("tools")


def test_a_task_drawer_shows_the_output_and_an_artifact_downloads_byte_for_byte(page: Page) -> None:
    job = page.site.submit({"goal": SEED})
    page.site.wait(job["id"])
    tab = page.go(f"/jobs/{job['id']}")
    tab.wait_for_function(ALL_SUCCEEDED)
    task = next(t for t in page.site.get(f"/api/jobs/{job['id']}/tasks").json() if t["tool"] == "core.render_markdown")
    tab.get_by_test_id(f"dag-node-{task['id']}").click()
    drawer = tab.get_by_test_id("task-drawer")
    drawer.wait_for()
    output = drawer.get_by_test_id("task-output").inner_text()
    assert task["output"]["path"] in output and "markdown" in output
    page.shot("task-drawer")

    artifact = page.site.get(f"/api/jobs/{job['id']}/details").json()["artifacts"][0]
    with tab.expect_download() as download:
        tab.get_by_test_id(f"artifact-link-{artifact['name']}").click()
    saved = Path(download.value.path())
    assert saved.read_bytes() == page.site.get(artifact["download_url"]).content


def test_a_failed_task_is_retried_from_the_page_and_the_job_succeeds(page: Page) -> None:
    plan = {
        "tasks": [
            {"id": "read", "tool": "core.read_file", "inputs": {"path": "later.md"}},
            {
                "id": "copy",
                "tool": "core.write_file",
                "inputs": {"path": "copy.md", "content": {"$ref": "read.output.content"}},
                "depends_on": ["read"],
            },
        ]
    }
    job_id = _submit_in_form(page, "Copy a file that appears later", plan)
    tab = page.tab
    tab.wait_for_selector('[data-testid="job-page"][data-job-status="failed"]')
    assert tab.get_by_test_id("dag-node-copy").get_attribute("data-status") == "blocked"
    page.shot("job-failed")
    workspace = page.site.data_dir / "workspaces" / job_id
    workspace.mkdir(parents=True, exist_ok=True)
    (workspace / "later.md").write_text("now it exists")
    tab.get_by_test_id("dag-node-read").click()
    tab.get_by_test_id("action-retry-task").click()
    confirm = tab.get_by_test_id("confirm-dialog-confirm")
    if confirm.count():
        confirm.click()
    tab.wait_for_selector('[data-testid="job-page"][data-job-status="succeeded"]')
    tab.wait_for_function(ALL_SUCCEEDED)
    assert (workspace / "copy.md").read_text() == "now it exists"
    # The drawer opened before the retry stays on the task and refreshes its attempts.
    tab.locator('[data-testid="task-drawer"][data-task="read"]').wait_for()
    tab.get_by_test_id("task-attempt-2").wait_for()
    assert tab.get_by_test_id("task-attempt-1").get_attribute("data-outcome") == "failed"
    assert tab.get_by_test_id("task-attempt-2").get_attribute("data-outcome") == "succeeded"
    page.shot("task-attempts")


def test_a_reload_mid_run_shows_the_whole_history_once(page: Page) -> None:
    waits = [
        {"id": f"w{i}", "tool": "core.wait", "inputs": {"seconds": 0.7}, "depends_on": [f"w{i - 1}"] if i else []}
        for i in range(3)
    ]
    job = page.site.submit({"goal": "Three waits in a row", "plan": {"tasks": waits}})
    tab = page.go(f"/jobs/{job['id']}")
    tab.get_by_test_id("event-3").wait_for()
    tab.reload()
    tab.wait_for_selector('[data-testid="job-page"][data-job-status="succeeded"]')
    total = len(page.site.get(f"/api/jobs/{job['id']}/details").json()["recent_events"])
    tab.get_by_test_id(f"event-{total}").wait_for()
    seqs = [
        int(x.get_attribute("data-testid").split("-")[1])
        for x in tab.locator('[data-testid^="event-"][data-type]').all()
    ]
    assert sorted(seqs) == list(range(1, total + 1)), seqs


def test_another_user_cannot_open_the_job(browser: Any, site: Any) -> None:
    job = site.submit(
        {
            "goal": "Only for the local user",
            "plan": {"tasks": [{"id": "w", "tool": "core.wait", "inputs": {"seconds": 0}}]},
        }
    )
    bob = Page(browser, site)
    bob.allow_4xx = True
    try:
        tab = bob.go("/sign-in")
        tab.get_by_test_id("sign-in-username").fill("bob")
        tab.get_by_test_id("sign-in-password").fill("bob-pass-1234")
        tab.get_by_test_id("sign-in-submit").click()
        from playwright.sync_api import expect

        expect(tab.get_by_test_id("account-name")).to_have_text("bob")
        bob.go(f"/jobs/{job['id']}")
        tab.get_by_test_id("not-found").wait_for()
        assert tab.locator('[data-testid^="dag-node-"]').count() == 0
        bob.shot("other-users-job")
    finally:
        bob.close()


def test_bad_input_gets_a_clear_message_in_the_page(page: Page) -> None:
    page.allow_4xx = True
    tab = page.go("/jobs/new")
    tab.get_by_test_id("goal").fill("Check the context")
    tab.get_by_test_id("context-json").fill("{not json")
    assert "JSON" in tab.get_by_test_id("context-json-status").inner_text()
    page.shot("new-job-invalid-json")
    bad_plan = {"tasks": [{"id": "x", "tool": "no.such_tool", "inputs": {}}]}
    tab.get_by_test_id("context-json").fill("{}")
    tab.get_by_test_id("plan-mode-explicit").check()
    tab.get_by_test_id("plan-json").fill(json.dumps(bad_plan))
    tab.get_by_test_id("submit-job").click()
    problems = tab.get_by_test_id("plan-problems")
    problems.wait_for()
    assert "no.such_tool" in problems.inner_text()
    page.shot("new-job-plan-problems")
    page.go("/jobs/00000000-0000-0000-0000-000000000000")
    tab.get_by_test_id("not-found").wait_for()
    page.go("/no/such/page")
    tab.get_by_test_id("not-found").wait_for()


def test_the_job_list_works_on_a_narrow_screen(browser: Any, site: Any) -> None:
    phone = Page(browser, site, viewport={"width": 390, "height": 844})
    try:
        tab = phone.go("/")
        tab.get_by_test_id("new-job-link").wait_for()
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, f"the page scrolls sideways on a phone ({width} px)"
        phone.shot("jobs-narrow")
    finally:
        phone.close()


def test_a_goal_longer_than_the_limit_is_capped_and_the_limit_shown(page: Page) -> None:
    tab = page.go("/jobs/new")
    tab.get_by_test_id("goal").fill("x" * 9000)
    assert len(tab.get_by_test_id("goal").input_value()) == 8000
    assert tab.get_by_test_id("goal-count").inner_text().startswith("8000 / 8000")


def test_an_expired_session_asks_to_sign_in_again(browser: Any, module_stack_factory: Any) -> None:
    from playwright.sync_api import expect

    stack = module_stack_factory("embedded", AWE_LOCAL_USER="")  # sign-in required, as in production
    stack.start_web()
    stack.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; User.objects.create_user('carol', password='carol-pass-1234')",
    )
    carol = Page(browser, stack)
    carol.allow_4xx = True
    try:
        tab = carol.go("/jobs/new")
        tab.get_by_test_id("sign-in-form").wait_for()
        carol.shot("sign-in")
        tab.get_by_test_id("sign-in-username").fill("carol")
        tab.get_by_test_id("sign-in-password").fill("carol-pass-1234")
        tab.get_by_test_id("sign-in-submit").click()
        expect(tab.get_by_test_id("account-name")).to_have_text("carol")
        tab.get_by_test_id("goal").wait_for()
        stack.manage(
            "shell", "-c", "from django.contrib.sessions.models import Session; Session.objects.all().delete()"
        )
        tab.get_by_test_id("goal").fill("After the session expired")
        tab.get_by_test_id("submit-job").click()
        tab.get_by_test_id("sign-in-form").wait_for()
        carol.shot("session-expired")
    finally:
        carol.close()


def test_a_job_can_be_submitted_and_inspected_with_the_keyboard(page: Page) -> None:
    from playwright.sync_api import expect

    tab = page.go("/jobs/new")
    goal = tab.get_by_label("Goal", exact=True)  # controls are found by their labels
    goal.fill(SEED)
    tab.get_by_test_id("submit-job").focus()
    tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r".*/jobs/[0-9a-f-]{36}$"))
    tab.wait_for_function(ALL_SUCCEEDED)
    # React Flow keeps a node hidden until it has measured it, and a hidden button takes no focus.
    node = tab.get_by_test_id("dag-node-brief")
    expect(node).to_be_visible()
    node.focus()
    expect(node).to_be_focused()
    tab.keyboard.press("Enter")
    tab.locator('[data-testid="task-drawer"][data-task="brief"]').wait_for()
