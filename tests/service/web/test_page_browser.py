"""End to end: an analyst drives the page in headless Chromium against a real server on loopback.

The browser is Debian's chromium (``make browser`` installs it); Playwright's own download cannot work offline.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from detector.schema import Account, Post
from ingest.database import make_engine
from ingest.store import AccountStore

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is not at /usr/bin/chromium (`make browser` installs it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra: `make install`")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TEST_KEY = "pw-test-key-0123456789"
TIMEOUT_MS = 20_000
# Assertions wait as long as actions: scoring 60 accounts fresh takes seconds of a loaded 2-core machine, more than
# Playwright's 5 s default (a run failed on it while the other worker trained models).
sync_api.expect.set_options(timeout=TIMEOUT_MS)
NO_POSTS, THIN = "no_posts_acct", "thin_acct"  # stored besides the demo corpus: no score, and a provisional one
# Screenshots of what the page drew, for a person to look at (CI keeps this folder as the tests' artifacts).
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS_DIR", Path(__file__).resolve().parents[3] / "var" / "test-artifacts"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live_server(
    trained_registry: Path, demo_store_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """uvicorn serving the app in a subprocess on copies of the test registry and store, with an admin key.

    One server for the module: starting one costs seconds, and no test here depends on another's state.
    """
    root = tmp_path_factory.mktemp("live")
    models_dir = Path(shutil.copytree(trained_registry, root / "models"))
    data_dir = root / "var"
    data_dir.mkdir()
    shutil.copy(demo_store_file, data_dir / "parrotwatch.db")
    _store_thin_accounts(data_dir / "parrotwatch.db")
    _store_candidates(data_dir / "parrotwatch.db")
    port = _free_port()
    env = {  # this fixture outlives the per-test environment cleanup, so the shell's PARROTWATCH_* are dropped here
        **{k: v for k, v in os.environ.items() if not k.startswith("PARROTWATCH_")},
        "PARROTWATCH_DATA_DIR": str(data_dir),
        "PARROTWATCH_MODELS_DIR": str(models_dir),
        "PARROTWATCH_X_BEARER_TOKEN": "",
        "PARROTWATCH_ADMIN_KEY": TEST_KEY,
        "PARROTWATCH_LOG_JSON": "false",
    }
    log = root / "server.log"
    command = [sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory", "--port", str(port)]
    with log.open("wb") as sink:
        process = subprocess.Popen([*command, "--host", "127.0.0.1"], env=env, stdout=sink, stderr=sink)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90  # a loaded machine (CI with both cores busy) imports slowly
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"server did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _store_thin_accounts(path: Path) -> None:
    posts = [
        Post(id=f"{THIN}-{i}", created_at=datetime(2024, 5, i + 1, tzinfo=UTC), text=f"what the council said, part {i}")
        for i in range(2)
    ]
    engine = make_engine(f"sqlite:///{path}")
    store = AccountStore(engine)
    store.put(Account(handle=NO_POSTS), source="file:thin.jsonl")
    store.put(Account(handle=THIN, posts=posts), source="file:thin.jsonl")
    engine.dispose()


def _store_candidates(path: Path) -> None:
    """Two proposed talking points, as discovery stores them."""
    from detector.discovery import Candidate
    from service.db.discovery import save_candidates

    def candidate(fingerprint: str, spread: int, phrasings: dict[str, str]) -> Candidate:
        return Candidate(
            fingerprint=fingerprint,
            phrasings=phrasings,
            phrases={lang: (text,) for lang, text in phrasings.items()},
            state_accounts=("PRCEmbPress",),
            post_ids=(f"{fingerprint}-1", f"{fingerprint}-2"),
            first_seen_at=datetime(2023, 5, 1, 9, tzinfo=UTC),
            spread=spread,
            spreaders=tuple(f"amp{i}" for i in range(spread)),
            median_delay_s=86400.0,
            n_state_posts=2,
        )

    engine = make_engine(f"sqlite:///{path}")
    save_candidates(
        engine,
        [
            candidate("a1", 2, {"en": "Panda cubs celebrate their first birthday."}),
            candidate("b2", 30, {"en": "The airship drifted off course.", "zh": "民用飞艇偏离航线。"}),
        ],
    )
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: sync_api.Browser) -> Iterator[sync_api.Page]:
    """A fresh tab (its own sessionStorage) that fails the test on any script error or refused by the page's CSP."""
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert not errors, errors


def _enter_key(page: sync_api.Page, key: str) -> None:
    page.get_by_role("textbox", name="API key").fill(key)
    page.get_by_role("button", name="Use this key").click()
    sync_api.expect(page.locator("#key-status")).to_contain_text("Key set")


def test_analyst_scores_three_handles_reads_evidence_and_exports_csv(
    live_server, page, demo_roles, talking_amplifiers
) -> None:
    amplifier, journalist, ordinary = talking_amplifiers[0], demo_roles["journalist"][0], demo_roles["ordinary"][0]
    sent_keys: list[str | None] = []
    page.on("request", lambda r: sent_keys.append(r.headers.get("authorization")) if "/v1/" in r.url else None)

    page.goto(live_server)
    sync_api.expect(page.locator("#not-attribution")).to_contain_text("A score is not attribution")
    _enter_key(page, TEST_KEY)
    page.get_by_role("textbox", name="Handles").fill(f"@{amplifier}\n{journalist}, {ordinary}")
    page.get_by_role("button", name="Score", exact=True).click()

    rows = page.locator("#results tbody tr[data-handle]")
    sync_api.expect(rows).to_have_count(3)
    scores = {r.get_attribute("data-handle"): float(r.locator("td").first.inner_text()) for r in rows.all()}
    assert list(scores.values()) == sorted(scores.values(), reverse=True)  # highest score first
    assert scores[amplifier] > scores[journalist]
    sync_api.expect(page.locator("#results-summary")).to_have_text("3 accounts scored.")

    row = page.locator(f'tr[data-handle="{amplifier}"]')
    row.get_by_role("button", name="Show evidence").click()
    evidence = page.locator(f"#evidence-{amplifier}")
    sync_api.expect(evidence).to_be_visible()
    first_post = evidence.locator(".posts li").first
    sync_api.expect(first_post).to_be_visible()
    sync_api.expect(first_post.locator("strong")).not_to_be_empty()  # the talking point's title
    sync_api.expect(evidence).to_contain_text("Features that moved the score most")

    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    table = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert {r["handle"] for r in table} == {amplifier, journalist, ordinary}
    assert {"score", "band", "narrative", "state_affiliated", "model_version"} <= set(table[0])
    assert sent_keys and all(k == f"Bearer {TEST_KEY}" for k in sent_keys), sent_keys


def test_invalid_handles_are_flagged_and_a_rejected_key_is_asked_for_again(live_server, page, demo_roles) -> None:
    critic = demo_roles["critic"][0]
    sent: list[str] = []

    def refuse_the_key(route: sync_api.Route) -> None:  # the server checks no key yet: answer as one that does
        sent.append(route.request.post_data or "")
        body = '{"type": "/problems/unauthorized", "title": "Unauthorized", "status": 401}'
        route.fulfill(status=401, content_type="application/problem+json", body=body)

    page.route("**/v1/scores", refuse_the_key)
    page.goto(live_server)
    _enter_key(page, "wrong-key")
    too_long = "x" * 65  # handles are platform-neutral: 1-64 characters, no slash (ingest/handles.py)
    page.get_by_role("textbox", name="Handles").fill(
        f"{critic}, not/a/handle\n@{too_long}\nbad handle!!, -Whiskey_Tango"
    )
    page.get_by_role("button", name="Score", exact=True).click()

    messages = page.locator("#messages")
    sync_api.expect(messages).to_contain_text(
        "3 entries are not handles, not sent: “not/a/handle” (it contains a slash); "
        f"“@{too_long}” (it has 65 characters, more than 64); “bad handle!!” (it contains whitespace). "
        "Separate handles with commas or new lines. The other 2 are scored."
    )
    sync_api.expect(messages).to_contain_text("Key rejected, enter it again")
    sync_api.expect(page.get_by_role("textbox", name="API key")).to_be_visible()
    assert len(sent) == 1 and json.loads(sent[0]) == {"handles": [critic, "-Whiskey_Tango"]}, "split on , and new lines"


def test_without_a_key_the_page_says_one_is_needed_not_that_it_was_rejected(live_server, page, demo_roles) -> None:
    page.goto(live_server)
    page.get_by_role("textbox", name="Handles").fill(demo_roles["critic"][0])
    page.get_by_role("button", name="Score", exact=True).click()

    sync_api.expect(page.locator("#messages")).to_have_text(
        "This server needs an API key: enter it above, then score again"
    )
    sync_api.expect(page.locator("#key-status")).to_have_text("This server needs an API key: enter it above.")
    sync_api.expect(page.get_by_role("textbox", name="API key")).to_be_focused()


def test_a_csv_upload_runs_as_a_job_whose_progress_and_results_are_shown(live_server, page, demo_roles) -> None:
    handles = [demo_roles["amplifier"][1], demo_roles["critic"][0]]
    auth = {"Authorization": f"Bearer {TEST_KEY}"}
    scored = httpx.post(f"{live_server}/v1/scores", json={"handles": handles}, headers=auth, timeout=60).json()
    wrapped, bare = scored["results"]  # lines shaped like /v1/scores results, or bare AccountScores: both read
    error = {"handle": "gone_away", "status": "error", "error": {"type": "/problems/unknown-handle", "detail": "gone"}}
    results = [json.dumps(wrapped), json.dumps(bare["result"]), json.dumps(error)]
    polls = iter(["rate-limited", "running", "done"])
    uploads: list[bytes] = []

    def jobs_api(route: sync_api.Route) -> None:  # the jobs contract, answered here until the server has it
        request, job = route.request, {"id": "job1", "total": 3}
        if request.method == "POST":
            uploads.append(request.post_data_buffer or b"")
            route.fulfill(status=202, json={**job, "state": "queued", "done": 0, "failed": 0})
        elif request.url.endswith("/v1/jobs/job1"):
            state = next(polls)
            if state == "rate-limited":  # the key's budget ran out once: the page waits and asks again
                route.fulfill(status=429, json={"title": "Rate limited", "retry_after_s": 0.2})
                return
            route.fulfill(
                json={**job, "state": state, "done": 2 if state == "done" else 1, "failed": int(state == "done")}
            )
        elif "/v1/jobs/job1/results" in request.url and "format=jsonl" in request.url:
            route.fulfill(body="\n".join(results) + "\n", content_type="application/x-ndjson")
        else:
            route.fulfill(status=404, json={"detail": "Not Found"})

    page.route("**/v1/jobs**", jobs_api)
    page.goto(live_server)
    _enter_key(page, TEST_KEY)
    csv_text = "handle\n" + "\n".join([*handles, "gone_away"]) + "\n"
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "handles.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}]
    )
    page.get_by_role("button", name="Score", exact=True).click()

    sync_api.expect(page.locator("#job-status")).to_have_text("done: 2 of 3 scored, 1 failed")
    sync_api.expect(page.locator("#results tbody tr[data-handle]")).to_have_count(2)
    sync_api.expect(page.locator("#failures")).to_contain_text("@gone_away: gone")
    assert b'name="file"' in uploads[0] and b"gone_away" in uploads[0]


def test_jobs_missing_on_the_server_get_a_short_message(live_server, page) -> None:
    page.goto(live_server)
    page.route("**/v1/jobs", lambda route: route.fulfill(status=404, json={"detail": "Not Found"}))
    page.get_by_role("textbox", name="Handles").fill("\n".join(f"user_{i}" for i in range(101)))
    page.get_by_role("button", name="Score", exact=True).click()
    sync_api.expect(page.locator("#messages")).to_contain_text("Batch jobs are not available on this server")


def test_csv_cells_that_a_spreadsheet_would_run_are_defused(live_server, page) -> None:
    page.goto(live_server)
    cells = page.evaluate("['=SUM(A1)', '+1', '-2', '@cmd', 'plain', 'a,b', 'say \"hi\"', null].map(csvCell)")
    assert cells == ["'=SUM(A1)", "'+1", "'-2", "'@cmd", "plain", '"a,b"', '"say ""hi"""', ""]


def test_evidence_draws_the_score_history_and_records_a_verdict(live_server, page, demo_roles) -> None:
    handle = demo_roles["amplifier"][0]
    history = [
        {"score": s, "band": b, "components": {}, "model_version": "v1", "catalog_version": "c1", "scored_at": t}
        for s, b, t in [(0.2, "low", "2026-01-01T00:00:00Z"), (0.9, "high", "2026-03-01T00:00:00Z")]
    ]
    verdicts: list[dict] = []

    def accounts_api(route: sync_api.Route) -> None:  # history and feedback, answered here until the server has them
        if route.request.url.endswith(f"/v1/accounts/{handle}/history"):
            tombstone = {"account_status": "suspended", "account_status_since": "2026-02-01T08:00:00Z"}
            route.fulfill(json={"handle": handle, "scores": history, **tombstone})
        elif route.request.method != "POST":  # the account's posts, for its timeline: the server's own
            route.continue_()
        else:
            verdicts.append(route.request.post_data_json)
            route.fulfill(status=201, json={"verdict": verdicts[-1]["verdict"]})

    page.route("**/v1/accounts/**", accounts_api)
    page.goto(live_server)
    _enter_key(page, TEST_KEY)
    page.get_by_role("textbox", name="Handles").fill(handle)
    page.get_by_role("button", name="Score", exact=True).click()
    page.get_by_role("button", name="Show evidence").click()

    chart = page.get_by_role("img", name=f"Score history of @{handle}")
    sync_api.expect(chart).to_have_attribute("aria-label", re.compile(r"2 scores, latest 0\.90 \(high\)"))
    sync_api.expect(chart.locator("circle")).to_have_count(2)
    sync_api.expect(page.locator(".history .tombstone")).to_have_text(
        "Suspended by its platform since 2026-02-01: its stored posts and scores are kept."
    )
    page.get_by_role("textbox", name="Note").fill("the posts quote the embassy")
    page.get_by_role("button", name="Dispute score").click()
    sync_api.expect(page.get_by_text("Recorded: you disputed this score.")).to_be_visible()
    assert verdicts == [{"verdict": "dispute", "note": "the posts quote the embassy"}]


def _fits_1280(page: sync_api.Page) -> None:
    widths = page.evaluate(
        "() => { const wrap = document.querySelector('.table-wrap');"
        " return [document.documentElement.scrollWidth, wrap.scrollWidth, wrap.clientWidth]; }"
    )
    assert widths[0] <= 1280 and widths[1] <= widths[2], f"page, table and its box widths: {widths}"


def test_many_results_page_25_at_a_time_and_fit_a_1280px_window(live_server, browser, demo_roles) -> None:
    handles = sorted({h for role in demo_roles.values() for h in role})[:60]
    unknown = "u" * 64  # a handle, not stored: its failure line must wrap, not widen the page
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(live_server)
        _enter_key(page, TEST_KEY)
        page.get_by_role("textbox", name="Handles").fill("\n".join([*handles, unknown, THIN]))
        page.get_by_role("button", name="Score", exact=True).click()

        rows, status = page.locator("#results tbody tr[data-handle]"), page.locator("#page-status")
        sync_api.expect(page.locator("#results-summary")).to_have_text("61 accounts scored, 1 not scored.")
        sync_api.expect(rows).to_have_count(25)
        sync_api.expect(status).to_have_text("Accounts 1–25 of 61 (page 1 of 3)")
        first_page = rows.first.get_attribute("data-handle")
        sync_api.expect(page.get_by_role("button", name="Previous page")).to_be_disabled()
        _fits_1280(page)
        page.get_by_role("button", name="Next page").click()
        page.get_by_role("button", name="Next page").click()
        sync_api.expect(status).to_have_text("Accounts 51–61 of 61 (page 3 of 3)")
        sync_api.expect(rows).to_have_count(11)
        sync_api.expect(page.get_by_role("button", name="Next page")).to_be_disabled()
        assert first_page not in [r.get_attribute("data-handle") for r in rows.all()]
        rows.first.get_by_role("button", name="Show evidence").click()
        sync_api.expect(page.locator(".evidence")).to_be_visible()
        _fits_1280(page)
    finally:
        context.close()


def test_a_thin_account_shows_a_provisional_score_and_its_stored_history(live_server, page) -> None:
    page.goto(live_server)
    _enter_key(page, TEST_KEY)
    page.get_by_role("textbox", name="Handles").fill(f"{THIN}, {NO_POSTS}")
    page.get_by_role("button", name="Score", exact=True).click()

    thin, empty = page.locator(f'tr[data-handle="{THIN}"]'), page.locator(f'tr[data-handle="{NO_POSTS}"]')
    sync_api.expect(thin.locator(".band")).to_have_text("insufficient data")
    sync_api.expect(thin.locator(".band-note")).to_have_text("provisional score")
    assert 0 <= float(thin.locator("td").first.inner_text()) <= 1, "the score is shown"
    sync_api.expect(empty.locator("td").first).to_have_text("–")
    thin.get_by_role("button", name="Show evidence").click()
    sync_api.expect(page.get_by_role("img", name=f"Score history of @{THIN}")).to_have_attribute(
        "aria-label", re.compile(r": 1 score, latest ")
    )
    empty.get_by_role("button", name="Show evidence").click()
    evidence = page.locator(f"#evidence-{NO_POSTS}")
    sync_api.expect(evidence.locator(".history")).to_contain_text(
        "1 stored result without a score (no posts then): nothing to draw."
    )
    sync_api.expect(evidence).to_contain_text("None: the account had no posts, so it has no score.")
    sync_api.expect(page.locator("#model-card")).not_to_contain_text("no score is given")


def _most_linked_amplifier(live_server: str, amplifiers: list[str]) -> str:
    """The demo amplifier with the most peers in the server's coordination network."""
    auth = {"Authorization": f"Bearer {TEST_KEY}"}
    body = httpx.get(f"{live_server}/v1/coordination/graph", params={"limit": 2000}, headers=auth, timeout=60).json()
    degree = Counter(handle for edge in body["edges"] for handle in (edge["source"], edge["target"]))
    return max((h for h in degree if h in set(amplifiers)), key=lambda h: (degree[h], h))


_CANVAS_DRAWN = """container => [...container.querySelectorAll("canvas")].some((canvas) => {
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let alpha = 3; alpha < pixels.length; alpha += 4) if (pixels[alpha]) return true;
  return false;
})"""


def test_evidence_draws_the_network_of_coordinated_peers_a_post_timeline_and_the_posts_texts(
    live_server, page, demo_roles
) -> None:
    handle = _most_linked_amplifier(live_server, demo_roles["amplifier"])
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(live_server)
    _enter_key(page, TEST_KEY)
    page.get_by_role("textbox", name="Handles").fill(handle)
    page.get_by_role("button", name="Score", exact=True).click()
    page.get_by_role("button", name="Show evidence").click()
    evidence = page.locator(f"#evidence-{handle}")

    network = evidence.get_by_role("img", name=re.compile(rf"^Network around @{handle}: \d+ accounts? linked"))
    sync_api.expect(network).to_have_attribute("data-rendered", re.compile(r"^([2-9]|\d\d+)$"))  # nodes drawn
    page.wait_for_function(_CANVAS_DRAWN, arg=network.element_handle())
    sync_api.expect(evidence.locator(".legend")).to_contain_text("high")
    sync_api.expect(evidence.locator(".legend")).to_contain_text("link")
    timeline = evidence.get_by_role("img", name=re.compile(rf"^Timeline of @{handle}: \d+ posts"))
    label = re.compile(r"; ([1-9]\d*) matching a talking point, ([1-9]\d*) coordinated\.$")
    sync_api.expect(timeline).to_have_attribute("aria-label", label)
    n_matched, n_coordinated = map(int, label.search(timeline.get_attribute("aria-label") or "").groups())
    assert timeline.locator("circle.matched").count() == n_matched  # marked on their own lane, as the label says
    assert timeline.locator("circle.coordinated").count() == n_coordinated
    assert timeline.locator("circle.post").count() >= 5
    first_link = evidence.locator("table.coordinated tbody tr").first.locator("td")
    for column in (0, 2):  # the account's post and the peer's post, as text
        sync_api.expect(first_link.nth(column).locator("blockquote")).not_to_be_empty()

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    evidence.screenshot(path=ARTIFACTS / "coordination-evidence.png")
    network.screenshot(path=ARTIFACTS / "coordination-network.png")
    timeline.screenshot(path=ARTIFACTS / "coordination-timeline.png")


def test_proposed_talking_points_are_listed_most_spread_first(live_server, page) -> None:
    page.goto(live_server)
    _enter_key(page, TEST_KEY)
    page.get_by_role("button", name="Show proposed talking points").click()

    rows = page.locator("#candidates tbody tr")
    sync_api.expect(rows).to_have_count(2)
    sync_api.expect(rows.first.locator("td").first).to_have_text("30")
    sync_api.expect(rows.first.locator('p[lang="zh"]')).to_have_text("民用飞艇偏离航线。")
    sync_api.expect(page.locator("#candidates-status")).to_contain_text("2 proposed")
