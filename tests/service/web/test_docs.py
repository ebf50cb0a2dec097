"""The API docs as HTML: Swagger UI and ReDoc load only files this server serves, under a policy that runs them."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from service.app import create_app

ASSET_URL = re.compile(r'(?:src|href)="([^"]+)"')


@pytest.fixture
def client(bare_settings) -> TestClient:  # type: ignore[no-untyped-def]
    with TestClient(create_app(bare_settings)) as client:
        yield client


@pytest.mark.parametrize(
    ("path", "assets"),
    [("/docs", {"swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"}),
     ("/redoc", {"redoc.standalone.js", "favicon.png"})],
)  # fmt: skip
def test_docs_pages_load_their_assets_from_this_server(client, path, assets) -> None:
    response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    urls = ASSET_URL.findall(response.text)
    assert {url.rsplit("/", 1)[1] for url in urls} == assets
    assert all(url.startswith("/docs-assets/") for url in urls), urls
    assert "http" not in response.text.replace("http-equiv", ""), "no absolute URL: nothing from another origin"
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 1000, url


def test_swagger_ui_start_up_script_is_allowed_by_its_hash_not_by_unsafe_inline(client) -> None:
    response = client.get("/docs")
    [script] = re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = response.headers["content-security-policy"]
    assert f"script-src 'self' 'sha256-{digest}';" in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert '"validatorUrl": null' in script, "no badge from the public validator"


def test_redoc_may_style_inline_and_search_in_a_worker_but_runs_no_inline_script(client) -> None:
    policy = client.get("/redoc").headers["content-security-policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy and "worker-src 'self' blob:" in policy
    assert "script-src 'self';" in policy


def test_the_openapi_document_behind_the_docs_lists_the_operations(client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "post" in paths["/v1/scores"] and "get" in paths["/v1/jobs/{job_id}"]
    assert not any(path.startswith(("/docs", "/redoc")) for path in paths), "the docs pages are not operations"
