"""The analyst page as HTML: what it says before any script runs, and the assets it needs."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.routes.page import ModelSummary


@pytest.fixture
def client(settings):
    with TestClient(create_app(settings)) as client:
        yield client


def test_page_says_a_score_is_not_attribution_and_names_the_model(client, settings) -> None:
    version = (settings.models_dir / "ACTIVE").read_text().strip()
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "A score is not attribution" in html
    assert version in html
    assert "ROC-AUC" in html and "held-out" in html.lower()
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_page_script_and_styles_are_served_from_static(client) -> None:
    html = client.get("/").text
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert {a.split("?")[0] for a in assets} == {
        "/static/page.js",
        "/static/page.css",
        "/static/coordination.js",
        "/static/coordination.css",
        "/static/vendor/cytoscape/cytoscape.min.js",
    }
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset
    script = client.get("/static/page.js")
    assert "javascript" in script.headers["content-type"]
    assert "Authorization" in script.text and "sessionStorage" in script.text
    licence = client.get("/static/vendor/cytoscape/LICENSE").text
    assert "Permission is hereby granted" in licence, "the vendored library is served with its licence"


def test_page_loads_without_a_model_and_says_scoring_is_unavailable(settings, tmp_path) -> None:
    settings = settings.model_copy(update={"models_dir": tmp_path / "empty-models"})
    with TestClient(create_app(settings)) as client:
        response = client.get("/")
    assert response.status_code == 200
    assert "No active model" in response.text and "A score is not attribution" in response.text


def test_docs_stay_reachable_beside_the_page(client) -> None:
    assert client.get("/docs").status_code == 200


def test_model_summary_reads_a_sparse_card_without_failing() -> None:
    summary = ModelSummary.from_card("v1", {"thresholds": {"elevated": 0.3, "high": 0.7}})
    assert [b.name for b in summary.bands] == ["high", "elevated"]
    assert summary.threshold("high") == 0.7 and summary.held_out == {} and summary.bands[0].precision is None


def test_page_says_a_thin_accounts_score_is_provisional_and_how_to_separate_handles(client) -> None:
    html = " ".join(client.get("/").text.split())
    assert "no score is given" not in html, "a provisional score is shown beside that band"
    assert "Its score is still shown, marked <em>provisional</em>" in html
    assert "Handles, one per line or separated by commas" in html
