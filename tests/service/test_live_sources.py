"""Handles that name their platform, scored live from Bluesky and Mastodon (recorded answers, no network) beside X,
through the API, a job and the CLI: one outcome per handle, each with its platform."""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import responses
import respx
from pydantic import SecretStr
from typer.testing import CliRunner

from ingest.platform_handles import parse_handle
from ingest.sources.bluesky import PUBLIC_APPVIEW
from service.cli import app

RECORDINGS = Path(__file__).resolve().parents[1] / "ingest" / "recordings"
HANDLES = [
    "bsky:alice.bsky.social",
    "@carol@mastodon.social",
    "t.me/somechannel",
    "x:ghost_handle_99",
    "nobody.bsky.social",
]


def _recorded(name: str) -> object:
    return json.loads((RECORDINGS / name).read_text(encoding="utf-8"))


@contextmanager
def recorded_platforms() -> Iterator[None]:
    """Bluesky's AppView and mastodon.social as recorded; any other request fails the test."""
    profile, feed = (
        f"{PUBLIC_APPVIEW}/xrpc/app.bsky.actor.getProfile",
        f"{PUBLIC_APPVIEW}/xrpc/app.bsky.feed.getAuthorFeed",
    )
    statuses = "https://mastodon.social/api/v1/accounts/109384712365478912/statuses"
    with respx.mock(assert_all_called=False) as bsky, responses.RequestsMock(assert_all_requests_are_fired=False) as md:
        bsky.get(profile, params={"actor": "alice.bsky.social"}).mock(
            return_value=httpx.Response(200, json=_recorded("bluesky/getProfile_alice.json"))
        )
        bsky.get(profile, params={"actor": "nobody.bsky.social"}).mock(
            return_value=httpx.Response(400, json=_recorded("bluesky/error_profile_not_found.json"))
        )
        bsky.get(feed).mock(
            side_effect=lambda request: httpx.Response(
                200,
                json=_recorded(
                    "bluesky/getAuthorFeed_alice_end.json"
                    if "cursor" in request.url.params
                    else "bluesky/getAuthorFeed_alice.json"
                ),
            )
        )
        md.get(
            "https://mastodon.social/api/v1/accounts/lookup?acct=carol",
            json=_recorded("mastodon/account_lookup_carol.json"),
        )
        md.get(statuses, json=_recorded("mastodon/account_statuses_carol.json"))
        md.get(statuses, json=[])
        yield


@pytest.fixture
def live_settings(settings):  # type: ignore[no-untyped-def]
    return settings.model_copy(update={"bluesky_live": True, "mastodon_live": True})


def _check_outcomes(by_handle: dict[str, dict]) -> None:
    """The same five outcomes whichever door the handles came through."""
    assert {h: (e["platform"], e["status"]) for h, e in by_handle.items()} == {
        "alice.bsky.social": ("bluesky", "scored"),
        "carol@mastodon.social": ("mastodon", "scored"),
        "telegram:somechannel": ("telegram", "error"),
        "ghost_handle_99": ("x", "error"),
        "nobody.bsky.social": ("bluesky", "error"),
    }
    assert "live fetch from Telegram is off" in by_handle["telegram:somechannel"]["error"]["detail"]
    assert "PARROTWATCH_X_BEARER_TOKEN" in by_handle["ghost_handle_99"]["error"]["detail"]
    assert "Profile not found" in by_handle["nobody.bsky.social"]["error"]["detail"]


def test_a_mixed_list_gets_one_outcome_per_handle_with_its_platform_and_cross_platform_coordination(
    live_settings, make_client, demo_roles
) -> None:
    client = make_client(live_settings)
    stored_x = demo_roles["ordinary"][0]
    with recorded_platforms():
        response = client.post("/v1/scores", json={"handles": [f"@{stored_x}", *HANDLES]})
    assert response.status_code == 200, response.text
    x_entry, *entries = response.json()["results"]
    assert (x_entry["platform"], x_entry["status"], x_entry["source_status"]) == ("x", "scored", "cached")
    canonical = ["alice.bsky.social", "carol@mastodon.social", "telegram:somechannel", "ghost_handle_99"]
    by_handle = dict(zip([*canonical, "nobody.bsky.social"], entries, strict=True))
    _check_outcomes(by_handle)
    alice, carol = by_handle["alice.bsky.social"], by_handle["carol@mastodon.social"]
    assert alice["source_status"] == "found" and alice["result"]["platform"] == "bluesky"
    assert alice["result"]["n_posts"] == 4 and carol["result"]["n_posts"] == 3
    # The same line, on Bluesky at 10:00 and on Mastodon at 10:04: linked as coordinated, across platforms.
    links = {(link["peer_handle"], link["gap_s"]) for link in alice["result"]["evidence"]["coordinated_posts"]}
    assert ("carol@mastodon.social", 240.0) in links
    assert client.get("/v1/accounts/carol@mastodon.social").status_code == 200


def test_a_job_and_the_cli_give_the_same_outcomes_with_their_platforms(
    live_settings, make_client, cli_env, monkeypatch
) -> None:
    client = make_client(live_settings)
    client.app.state.runner.stop()  # the job is stepped below
    with recorded_platforms():
        job = client.post("/v1/jobs", json={"handles": HANDLES})
        assert job.status_code == 202, job.text
        while client.app.state.runner.run_once():
            pass
    lines = [json.loads(line) for line in client.get(f"/v1/jobs/{job.json()['id']}/results").text.splitlines()]
    _check_outcomes({line["handle"]: line for line in lines})

    monkeypatch.setenv("PARROTWATCH_BLUESKY_LIVE", "true")
    monkeypatch.setenv("PARROTWATCH_MASTODON_LIVE", "true")
    with recorded_platforms():
        result = CliRunner().invoke(app, ["score", *HANDLES])
    objects = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert result.exit_code != 0  # three handles could not be scored
    _check_outcomes({o["handle"]: {**o, "status": o.get("status", "scored")} for o in objects})


@contextmanager
def recorded_reddit() -> Iterator[None]:
    """Reddit's OAuth API as recorded for u/civic_watcher (profile, two pages of overview); nothing else answers."""
    api, roomy = (
        "https://oauth.reddit.com/user/civic_watcher",
        {"x-ratelimit-remaining": "90", "x-ratelimit-used": "10", "x-ratelimit-reset": "300"},
    )
    with responses.RequestsMock(assert_all_requests_are_fired=True) as reddit:
        reddit.post("https://www.reddit.com/api/v1/access_token", json=_recorded("reddit/access_token.json"))
        reddit.get(f"{api}/about/", json=_recorded("reddit/about_civic_watcher.json"), headers=roomy)
        reddit.get(f"{api}/overview/", json=_recorded("reddit/overview_civic_watcher_1.json"), headers=roomy)
        reddit.get(f"{api}/overview/", json=_recorded("reddit/overview_civic_watcher_2.json"), headers=roomy)
        yield


@pytest.fixture
def reddit_settings(settings):  # type: ignore[no-untyped-def]
    return settings.model_copy(
        update={"reddit_client_id": "app", "reddit_client_secret": SecretStr("secret"), "reddit_user_agent": "pw/1"}
    )


def test_reddit_with_app_credentials_is_read_live_and_telegram_without_a_session_says_what_to_set(
    reddit_settings, make_client
) -> None:
    """A source is on only with all its settings; one that is off names them, and the others keep working."""
    client = make_client(reddit_settings)
    with recorded_reddit():
        response = client.post("/v1/scores", json={"handles": ["reddit:u/civic_watcher", "t.me/somechannel"]})

    assert response.status_code == 200, response.text
    scored, off = response.json()["results"]
    assert (scored["platform"], scored["status"], scored["source_status"]) == ("reddit", "scored", "found")
    assert scored["result"]["n_posts"] == 4
    assert (off["platform"], off["status"]) == ("telegram", "error")
    assert "PARROTWATCH_TELEGRAM_SESSION" in off["error"]["detail"]
    for spelling in ("reddit:civic_watcher", "civic_watcher"):  # the stored score, by the platform's name or bare
        stored = client.get(f"/v1/accounts/{spelling}")
        assert stored.status_code == 200 and stored.json()["platform"] == "reddit", spelling
        assert len(client.get(f"/v1/accounts/{spelling}/history").json()["scores"]) == 1
    assert client.get("/v1/accounts/telegram:civic_watcher").status_code == 404, "another platform's name is not it"


def test_an_x_account_and_a_reddit_account_of_the_same_name_are_stored_scored_and_returned_apart(
    reddit_settings, make_client, demo_roles
) -> None:
    client = make_client(reddit_settings)
    store = client.app.state.service.store
    model = store.get(demo_roles["ordinary"][0]).account
    posts = [post.model_copy(update={"id": f"x-{post.id}"}) for post in model.posts]
    x_account = model.model_copy(update={"handle": "civic_watcher", "user_id": "1999", "posts": posts})
    store.put(x_account, source="file:x.jsonl")

    with recorded_reddit():
        response = client.post("/v1/scores", json={"handles": ["@civic_watcher", "reddit:u/civic_watcher"]})

    assert response.status_code == 200, response.text
    on_x, on_reddit = (entry["result"] for entry in response.json()["results"])
    assert (on_x["platform"], on_x["n_posts"]) == ("x", len(posts))
    assert (on_reddit["platform"], on_reddit["n_posts"]) == ("reddit", 4)
    assert len(store.get("civic_watcher").account.posts) == len(posts), "the X account did not get Reddit's posts"
    assert store.get("reddit:civic_watcher").account.profile.link_karma == 1843, "karma is stored with the profile"
    karma = {"link_karma": 1843, "comment_karma": 3367}
    assert (on_reddit["account_metrics"], on_x["account_metrics"]) == (karma, {})
    for spelling, platform, n_posts in (("@civic_watcher", "x", len(posts)), ("reddit:u/civic_watcher", "reddit", 4)):
        body = client.get(f"/v1/accounts/{spelling}").json()
        assert (body["platform"], body["n_posts"]) == (platform, n_posts), spelling
        assert body["account_metrics"] == (karma if platform == "reddit" else {}), spelling
        assert len(client.get(f"/v1/accounts/{spelling}/history").json()["scores"]) == 1, spelling

    client.app.state.runner.stop()  # one job scores both: each keeps its own result
    job = client.post("/v1/jobs", json={"handles": ["civic_watcher", "reddit:civic_watcher"]})
    while client.app.state.runner.run_once():
        pass
    lines = [json.loads(line) for line in client.get(f"/v1/jobs/{job.json()['id']}/results").text.splitlines()]
    assert [(line["handle"], line["platform"], line["status"]) for line in lines] == [
        ("civic_watcher", "x", "scored"),
        ("reddit:civic_watcher", "reddit", "scored"),
    ]


README = RECORDINGS.parents[2] / "README.md"


def test_the_readme_command_scores_a_bluesky_handle_live_without_credentials_or_settings(cli_env, monkeypatch) -> None:
    """The exact line the README shows, run as a user would (no PARROTWATCH_* variable: Bluesky is on by default),
    against the recorded AppView answers with the account renamed to the one the README names."""
    [command] = [
        line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("parrotwatch score bsky:")
    ]
    program, *args = shlex.split(command)
    actor = parse_handle(args[-1]).name
    monkeypatch.delenv("PARROTWATCH_BLUESKY_LIVE")

    def renamed(name: str) -> object:
        return json.loads((RECORDINGS / name).read_text(encoding="utf-8").replace("alice.bsky.social", actor))

    profile, feed = (
        f"{PUBLIC_APPVIEW}/xrpc/app.bsky.actor.getProfile",
        f"{PUBLIC_APPVIEW}/xrpc/app.bsky.feed.getAuthorFeed",
    )
    with respx.mock(assert_all_called=True) as bsky:
        bsky.get(profile, params={"actor": actor}).mock(
            return_value=httpx.Response(200, json=renamed("bluesky/getProfile_alice.json"))
        )
        pages = ["bluesky/getAuthorFeed_alice.json", "bluesky/getAuthorFeed_alice_end.json"]
        bsky.get(feed).mock(
            side_effect=lambda request: httpx.Response(200, json=renamed(pages["cursor" in request.url.params]))
        )
        result = CliRunner().invoke(app, args)

    assert program == "parrotwatch" and result.exit_code == 0, result.output
    [scored] = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert (scored["handle"], scored["platform"], scored["n_posts"]) == (actor, "bluesky", 4)
    assert scored["band"] in ("high", "elevated", "low", "insufficient_data") and "score" in scored
