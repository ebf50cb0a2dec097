"""Accounts of any platform: imported with their platform, scored by their own handle through the CLI and the API."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ingest.database import make_engine
from ingest.jsonl import write_accounts
from ingest.store import AccountStore
from service.cli import app

REDDIT_HANDLES = ["-Whiskey_Tango", "foo-bar", "Some.User_99"]
TEXTS = [f"thread {i}: what the council decided about the bridge, and what it costs" for i in range(8)]


@pytest.fixture
def run(cli_env):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def reddit_file(tmp_path, account_factory):  # type: ignore[no-untyped-def]
    """Three Reddit accounts whose rows do not say which platform they are on."""
    path = tmp_path / "reddit.jsonl"
    write_accounts(path, [account_factory(handle, TEXTS) for handle in REDDIT_HANDLES])
    return path


def _objects(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def test_import_with_platform_stores_it_and_reddit_names_score_through_the_cli(run, reddit_file, settings) -> None:
    imported = run("import", reddit_file, "--platform", "reddit")
    assert imported.exit_code == 0, imported.output

    store = AccountStore(make_engine(settings.resolved_database_url))
    assert [a.platform for a in store.iter_accounts(REDDIT_HANDLES)] == ["reddit"] * 3
    scored = run("score", "--", *REDDIT_HANDLES)  # `--`: a name starting with '-' is not an option
    assert scored.exit_code == 0, scored.output
    results = _objects(scored.stdout)
    assert [r["handle"] for r in results] == REDDIT_HANDLES
    assert all(r["n_posts"] == len(TEXTS) and r["model_version"] for r in results)


def test_reddit_names_score_through_the_api_and_a_job_file_and_are_found_afterwards(
    run, reddit_file, settings, make_client
) -> None:
    assert run("import", reddit_file, "--platform", "reddit").exit_code == 0
    client = make_client(settings)
    client.app.state.runner.stop()  # the job is stepped below

    response = client.post("/v1/scores", json={"handles": ["@-Whiskey_Tango", "foo-bar"]})

    assert response.status_code == 200
    assert [(r["handle"], r["status"]) for r in response.json()["results"]] == [
        ("-Whiskey_Tango", "scored"),
        ("foo-bar", "scored"),
    ]
    stored = client.get("/v1/accounts/-Whiskey_Tango")
    assert stored.status_code == 200 and stored.json()["handle"] == "-Whiskey_Tango"
    upload = b"handle\n@Some.User_99\n-whiskey_tango\n"
    job = client.post("/v1/jobs", files={"file": ("handles.csv", upload, "text/csv")})
    assert job.status_code == 202, job.text
    while client.app.state.runner.run_once():
        pass
    done = client.get(f"/v1/jobs/{job.json()['id']}").json()
    assert (done["state"], done["done"], done["failed"]) == ("done", 2, 0)
    assert client.get("/v1/accounts/some.user_99").json()["job_id"] == job.json()["id"]


def test_a_handle_with_whitespace_is_a_clear_error_in_the_api_and_the_cli(run, settings, make_client) -> None:
    client = make_client(settings)

    entry = client.post("/v1/scores", json={"handles": ["foo bar"]}).json()["results"][0]
    job = client.post("/v1/jobs", json={"handles": ["fine_one", "foo bar"]})
    cli = run("score", "foo bar")

    assert entry["status"] == "error" and entry["error"]["type"] == "/problems/invalid-handle"
    assert entry["error"]["detail"].startswith("'foo bar' is not a handle: it contains whitespace")
    assert job.status_code == 422 and "line 2: 'foo bar'" in job.json()["detail"]
    assert cli.exit_code == 3 and "'foo bar' is not a handle: it contains whitespace" in cli.output


def test_a_non_x_handle_missing_from_the_store_is_unknown_not_fetched_from_x(run, settings, make_client) -> None:
    client = make_client(settings)

    entry = client.post("/v1/scores", json={"handles": ["-not_stored"]}).json()["results"][0]
    cli = run("score", "--", "-not_stored")

    detail = "not in the local store; not a valid X handle (1-15 letters, digits or _), so it was not fetched from X"
    assert entry["status"] == "error" and entry["error"]["type"] == "/problems/unknown-handle"
    assert detail in entry["error"]["detail"]
    assert cli.exit_code == 3 and _objects(cli.stdout)[0]["error"]["type"] == "/problems/unknown-handle"


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--platform", "redit"], "unknown platform 'redit'"),
     (["--format", "io-archive", "--platform", "reddit"], "io-archive files hold x accounts only, not reddit")],
    ids=["typo", "contradicts-the-format"],
)  # fmt: skip
def test_import_refuses_a_platform_it_cannot_give_with_a_usage_error(run, reddit_file, args, message) -> None:
    result = run("import", reddit_file, *args)
    assert result.exit_code == 2 and message in " ".join(result.output.replace("│", " ").split())  # unwrapped


def test_io_archive_accounts_import_as_x_accounts(run, tmp_path, settings) -> None:
    path = tmp_path / "archive.csv"
    path.write_text("user_screen_name,tweetid,tweet_text,tweet_time\narchived_one,1,hello,2020-01-02 10:00\n")
    assert run("import", path, "--format", "io-archive").exit_code == 0
    assert AccountStore(make_engine(settings.resolved_database_url)).get("archived_one").account.platform == "x"
