"""End to end: the API docs render in headless Chromium with every request off the server's origin refused.

Swagger UI and ReDoc come from the installed package, not a CDN, so a machine without internet shows them. The
browser is Debian's chromium (``make browser`` installs it); without it, or without Playwright, the module skips.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from service.config import Settings
from tests.service.conftest import Server

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is not at /usr/bin/chromium (`make browser` installs it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra: `make install`")

TIMEOUT_MS = 20_000
# Known and harmless: ReDoc's footer shows a logo from Redocly's CDN; the page's CSP refuses it before any request.
REDOC_BRANDING = "cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``parrotwatch serve`` on an empty data folder and registry: the docs need neither a model nor accounts."""
    root = tmp_path_factory.mktemp("docs")
    server = Server(Settings(data_dir=root / "var", models_dir=root / "models"), root / "server.log")
    server.start()
    try:
        yield server.base
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture
def offline_page(browser: sync_api.Browser, server_url: str) -> Iterator[sync_api.Page]:
    """A tab whose requests to anywhere but the server are aborted; the test fails on any of them, on an error
    status, on a script error, or on a Content-Security-Policy refusal (other than ReDoc's branding logo)."""
    context = browser.new_context()
    outside: list[str] = []
    problems: list[str] = []

    def only_the_server(route: sync_api.Route) -> None:
        if route.request.url.startswith(f"{server_url}/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", only_the_server)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on(
        "console",
        lambda m: (
            problems.append(m.text) if "Content Security Policy" in m.text and REDOC_BRANDING not in m.text else None
        ),
    )
    yield page
    context.close()
    assert not outside, f"requests left the server's origin: {outside}"
    assert not problems, problems


def test_swagger_ui_lists_the_operations_offline(offline_page: sync_api.Page, server_url: str) -> None:
    offline_page.goto(f"{server_url}/docs")
    scores = offline_page.locator(".opblock-summary", has_text="/v1/scores").first
    sync_api.expect(scores).to_be_visible()
    sync_api.expect(scores).to_contain_text("POST")
    sync_api.expect(offline_page.locator(".opblock-summary", has_text="/v1/jobs/{job_id}").first).to_be_visible()
    sync_api.expect(offline_page.get_by_role("button", name="Authorize")).to_be_visible()


def test_redoc_renders_the_reference_offline(offline_page: sync_api.Page, server_url: str) -> None:
    offline_page.goto(f"{server_url}/redoc")
    sync_api.expect(offline_page.get_by_role("heading", name="parrotwatch (0.1.0)")).to_be_visible()
    sync_api.expect(offline_page.get_by_role("heading", name="Create Scores").first).to_be_visible()
    sync_api.expect(offline_page.locator("[role=menu]").first).to_contain_text("operations")
