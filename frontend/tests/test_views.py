"""Django serves the web app: the built index.html for every front-end route (the placeholder
without a build), and the build's assets under /static/ through WhiteNoise."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from conftest import unavailable

JOB_ID = "3accd1cd-2ba1-47ed-a14b-c0fc864db972"
APP_ROUTES = ["/", f"/jobs/{JOB_ID}", "/jobs/new", "/tools", "/sign-in"]


@pytest.fixture
def built(settings, tmp_path):
    settings.FRONTEND_DIST_DIR = tmp_path
    (tmp_path / "index.html").write_text("<!doctype html><title>AWE built app</title><div id=root></div>")
    return tmp_path


@pytest.mark.parametrize("path", APP_ROUTES)
def test_front_end_routes_serve_the_built_index(client, built, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b"AWE built app" in response.content
    assert "no-cache" in response["Cache-Control"]
    assert "csrftoken" in response.cookies  # the app sends it back as X-CSRFToken


@pytest.mark.parametrize("path", ["/", f"/jobs/{JOB_ID}"])
def test_without_a_build_the_placeholder_says_how_to_build_it(client, settings, tmp_path, path):
    settings.FRONTEND_DIST_DIR = tmp_path / "not-built"
    response = client.get(path)
    assert response.status_code == 200
    assert b"make frontend" in response.content
    assert b"AWE built app" not in response.content


@pytest.mark.django_db
def test_api_and_static_paths_are_not_taken_by_the_app(client, built):
    assert client.get("/api/no-such-endpoint").status_code == 404
    assert client.get("/static/assets/no-such-file.js").status_code == 404


def test_the_real_build_and_its_assets_are_served(client):
    index = settings.FRONTEND_DIST_DIR / "index.html"
    if not index.is_file():
        unavailable("frontend/dist is not built: run `make frontend`")
    page = client.get(f"/jobs/{JOB_ID}").content.decode()
    assets = re.findall(r'(?:src|href)="(/static/assets/[^"]+)"', page)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets), page
    for url in assets:
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, url
        assert "immutable" in response["Cache-Control"], url
        assert response["Content-Encoding"] == "gzip", url
        b"".join(response.streaming_content)
