"""``parrotwatch import`` stores only what the API takes, and fails when it imported nothing."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ingest.database import make_engine
from ingest.store import AccountStore
from service.cli import app


@pytest.fixture
def run(cli_env):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args])


def _line(handle: str, n_posts: int = 3, first_id: int = 0) -> str:
    posts = [
        {"id": str(first_id + i), "created_at": f"2024-05-0{i + 1}T10:00:00Z", "text": f"post {i}"}
        for i in range(n_posts)
    ]
    return json.dumps({"handle": handle, "posts": posts})


def test_import_skips_an_account_whose_handle_the_api_refuses_naming_the_line_and_why(run, tmp_path, settings) -> None:
    path = tmp_path / "probe.jsonl"
    path.write_text(_line("probe bad!!") + "\n" + _line("@probe_ok", first_id=10) + "\n", encoding="utf-8")

    result = run("import", path)

    assert result.exit_code == 0, result.output
    skipped = [line for line in result.output.splitlines() if line.startswith("skipped")]
    assert skipped == [f"skipped {path}:1: 'probe bad!!' is not a handle: it contains whitespace"], "once per line"
    store = AccountStore(make_engine(settings.resolved_database_url))
    assert store.get("probe bad!!") is None
    assert store.get("probe_ok").account.handle == "probe_ok", "stored as the API names it, without its @"


def test_strict_import_stops_at_a_refused_handle_with_exit_3_and_stores_nothing(run, tmp_path, settings) -> None:
    path = tmp_path / "probe.jsonl"
    path.write_text(_line("fine_first") + "\n" + _line("a/b", first_id=10) + "\n", encoding="utf-8")

    result = run("import", path, "--strict")

    assert result.exit_code == 3
    assert f"{path}:2: 'a/b' is not a handle: it contains a slash" in result.output
    assert AccountStore(make_engine(settings.resolved_database_url)).get("fine_first") is None


def test_import_in_which_every_row_is_skipped_exits_3_with_a_summary(run, tmp_path) -> None:
    path = tmp_path / "wrong.jsonl"
    path.write_text(_line("probe bad!!") + '\n{"handle": 3}\nnot json\n', encoding="utf-8")

    result = run("import", path)

    assert result.exit_code == 3
    assert (
        f"error: nothing imported, 0 rows: all 3 rows of the file were skipped (the first: {path}:1: 'probe bad!!' "
        f"is not a handle: it contains whitespace); is {path} in the jsonl format?"
    ) in result.output


def test_import_of_a_csv_whose_every_row_is_unreadable_exits_3_counting_them(run, tmp_path) -> None:
    path = tmp_path / "reddit.csv"
    path.write_text("handle,created,text\n" + "someone,yesterday,hello\n" * 4, encoding="utf-8")

    result = run("import", path, "--format", "reddit-csv")

    assert result.exit_code == 3
    assert f"nothing imported, 0 rows: all 4 rows of the file were skipped (the first: {path}:2: " in result.output
    assert f"is {path} in the reddit-csv format?" in result.output


def test_import_of_a_folder_without_a_file_of_the_format_exits_3(run, tmp_path) -> None:
    (tmp_path / "notes.txt").write_text("nothing to import\n")

    result = run("import", tmp_path)

    assert result.exit_code == 3
    assert f"error: nothing imported, 0 rows: {tmp_path} holds no jsonl file" in result.output
