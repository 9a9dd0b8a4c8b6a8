"""Session sign-in for the web app: /api/auth/me, /login, /logout, and CSRF on what follows."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from jobs.api.session import BAD_CREDENTIALS
from jobs.models import Job
from jobs.tests.factories import user

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser():
    """A client that enforces CSRF like a browser session does."""
    return APIClient(enforce_csrf_checks=True)


@pytest.fixture
def sign_in_required(settings):
    settings.AWE_LOCAL_USER = ""


def csrf_token(client) -> str:
    response = client.get("/api/auth/me")
    assert response.status_code == 200
    return str(client.cookies["csrftoken"].value)


def sign_in(client, username: str, password: str):
    return client.post(
        "/api/auth/login",
        {"username": username, "password": password},
        format="json",
        HTTP_X_CSRFTOKEN=csrf_token(client),
    )


def test_me_describes_an_anonymous_caller_when_sign_in_is_required(browser, sign_in_required):
    response = browser.get("/api/auth/me")
    assert response.status_code == 200
    assert response.json() == {
        "authenticated": False,
        "username": None,
        "is_staff": False,
        "method": None,
        "sign_in_required": True,
    }
    assert "csrftoken" in response.cookies


def test_me_reports_the_local_user_on_the_embedded_footprint(browser, settings):
    settings.AWE_LOCAL_USER = "local"
    body = browser.get("/api/auth/me").json()
    assert body["authenticated"] is True and body["username"] == "local"
    assert body["method"] == "local" and body["sign_in_required"] is False


def test_me_names_a_token_caller(browser, sign_in_required):
    token = Token.objects.create(user=user("tina"))
    body = browser.get("/api/auth/me", HTTP_AUTHORIZATION=f"Token {token.key}").json()
    assert (body["username"], body["method"]) == ("tina", "token")


def test_login_starts_a_session_that_the_api_accepts(browser, sign_in_required):
    user("alice", is_staff=True)
    response = sign_in(browser, "alice", "pw-alice")
    assert response.status_code == 200, response.content
    assert response.json()["username"] == "alice" and response.json()["is_staff"] is True
    me = browser.get("/api/auth/me").json()
    assert (me["username"], me["method"]) == ("alice", "session")
    assert browser.get("/api/jobs").status_code == 200


def test_login_with_a_wrong_password_is_a_clear_400(browser, sign_in_required):
    user("alice")
    response = sign_in(browser, "alice", "wrong")
    assert response.status_code == 400
    assert response.json() == {"detail": BAD_CREDENTIALS}
    assert browser.get("/api/auth/me").json()["authenticated"] is False


def test_login_of_an_inactive_user_is_refused(browser, sign_in_required):
    user("ghost", is_active=False)
    assert sign_in(browser, "ghost", "pw-ghost").status_code == 400


def test_login_names_missing_and_unknown_fields(browser, sign_in_required):
    response = browser.post(
        "/api/auth/login", {"username": "alice", "extra": 1}, format="json", HTTP_X_CSRFTOKEN=csrf_token(browser)
    )
    assert response.status_code == 400
    assert set(response.json()) == {"extra"}
    response = browser.post(
        "/api/auth/login", {"username": "alice"}, format="json", HTTP_X_CSRFTOKEN=csrf_token(browser)
    )
    assert response.json() == {"password": ["This field is required."]}


def test_login_without_the_csrf_token_is_refused(browser, sign_in_required):
    user("alice")
    browser.get("/api/auth/me")
    response = browser.post("/api/auth/login", {"username": "alice", "password": "pw-alice"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_a_session_post_needs_the_csrf_header_and_works_with_it(browser, sign_in_required):
    user("alice")
    assert sign_in(browser, "alice", "pw-alice").status_code == 200
    body = {"goal": "write a note"}
    refused = browser.post("/api/jobs", body, format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    # Django rotates the token at sign-in: the app reads the cookie again before each request.
    token = browser.cookies["csrftoken"].value
    created = browser.post("/api/jobs", body, format="json", HTTP_X_CSRFTOKEN=token)
    assert created.status_code == 201, created.content
    assert Job.objects.get(pk=created.json()["id"]).owner.username == "alice"


def test_logout_ends_the_session(browser, sign_in_required):
    user("alice")
    sign_in(browser, "alice", "pw-alice")
    token = browser.cookies["csrftoken"].value
    response = browser.post("/api/auth/logout", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert response.json()["authenticated"] is False
    assert browser.get("/api/jobs").status_code == 401


def test_logout_falls_back_to_the_local_user_on_the_embedded_footprint(browser, settings):
    settings.AWE_LOCAL_USER = "local"
    user("alice")
    sign_in(browser, "alice", "pw-alice")
    response = browser.post("/api/auth/logout", HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value)
    assert response.json()["username"] == "local" and response.json()["method"] == "local"


def test_logout_of_a_signed_in_session_needs_the_csrf_token(browser, sign_in_required):
    user("alice")
    sign_in(browser, "alice", "pw-alice")
    assert browser.post("/api/auth/logout").status_code == 403
    assert browser.get("/api/auth/me").json()["username"] == "alice"
