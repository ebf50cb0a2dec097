"""The parrotwatch command line: outputs, and exit codes for each kind of failure."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from service.cli import app


@pytest.fixture
def run(settings, monkeypatch):
    monkeypatch.setenv("PARROTWATCH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PARROTWATCH_MODELS_DIR", str(settings.models_dir))
    monkeypatch.delenv("PARROTWATCH_X_BEARER_TOKEN", raising=False)
    monkeypatch.setenv("PARROTWATCH_LOG_JSON", "false")
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args])


def test_score_prints_one_json_object_per_handle(run, demo_roles) -> None:
    handles = demo_roles["amplifier"][:2]
    result = run("score", *handles)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [line["handle"] for line in lines] == handles
    assert all(0 <= line["score"] <= 1 for line in lines)


def test_score_exits_3_on_handle_missing_from_input_and_still_scores_the_rest(run, demo_dir, demo_roles) -> None:
    result = run("score", "no_such_handle", demo_roles["ordinary"][0], "--input", demo_dir / "accounts.jsonl")
    assert result.exit_code == 3
    assert "no_such_handle" in result.output
    assert demo_roles["ordinary"][0] in result.stdout


def test_score_whole_file_writes_every_account(run, demo_dir, tmp_path) -> None:
    out = tmp_path / "scores.jsonl"
    result = run("score", "--input", demo_dir / "accounts.jsonl", "--output", out)
    assert result.exit_code == 0, result.output
    n_accounts = sum(1 for _ in (demo_dir / "accounts.jsonl").open())
    assert sum(1 for _ in out.open()) == n_accounts
    # Every account is prepared in workers before the first score comes out: that step has its own bar.
    preparing = next(line for line in result.output.splitlines() if line.startswith("preparing"))
    assert f"{n_accounts}/{n_accounts}" in preparing


def test_score_of_a_handle_not_stored_without_token_exits_3_saying_live_fetch_is_off(run) -> None:
    result = run("score", "somehandle")
    assert result.exit_code == 3, "an account not imported is an unknown handle, not a configuration error"
    [entry] = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert entry["status"] == "error" and entry["error"]["type"] == "/problems/unknown-handle"
    assert entry["error"]["detail"] == (
        "@somehandle is not in the local store (live fetch from X is off: set PARROTWATCH_X_BEARER_TOKEN)"
    )


def test_score_exits_5_when_the_model_was_tampered_with(run, settings, demo_roles) -> None:
    active = (settings.models_dir / "ACTIVE").read_text().strip()
    (settings.models_dir / active / "model.skops").write_bytes(b"not a model")
    result = run("score", demo_roles["ordinary"][0])
    assert result.exit_code == 5
    assert "does not match its card" in result.output


def test_evaluate_prints_the_cards_held_out_figures(run, settings, demo_dir) -> None:
    result = run("evaluate", "--input", demo_dir / "accounts.jsonl", "--labels", demo_dir / "labels.csv")
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    card = json.loads(run("models", "show", "--json").stdout)
    for name in ("roc_auc", "pr_auc", "f1", "brier", "n_accounts"):
        assert metrics[name] == card["metrics"]["held_out"][name]


def test_train_refuses_bad_labels_and_writes_nothing(run, settings, demo_dir, tmp_path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("handle,label\nalice,amplifer\nbob,ordinary\nbob,amplifier\n", encoding="utf-8")
    before = sorted(p.name for p in settings.models_dir.iterdir())
    result = run("train", "--input", demo_dir / "accounts.jsonl", "--labels", labels)
    assert result.exit_code == 3
    assert "line 2" in result.output and "line 4" in result.output
    assert sorted(p.name for p in settings.models_dir.iterdir()) == before


def test_demo_data_writes_a_labeled_synthetic_corpus(run, tmp_path) -> None:
    result = run("demo-data", "--out", tmp_path / "demo", "--accounts", 120, "--seed", 3)
    assert result.exit_code == 0, result.output
    assert {p.name for p in (tmp_path / "demo").iterdir()} >= {"accounts.jsonl", "labels.csv", "README.md"}


def test_help_lists_every_command(run) -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("demo-data", "import", "train", "evaluate", "score", "serve", "models"):
        assert command in result.output


@pytest.mark.slow
def test_train_takes_labels_from_an_archive_column_across_a_folder(run, demo_dir, tmp_path, settings) -> None:
    """The demo corpus rewritten as three archive files (one per operation), labels in a bot_or_not column."""
    import csv

    from ingest.jsonl import read_accounts

    labels = {row["handle"]: row for row in csv.DictReader((demo_dir / "labels.csv").open(encoding="utf-8"))}
    folder = tmp_path / "archive"
    folder.mkdir()
    networks = sorted({row["network"] for row in labels.values() if row["network"]})[:3]
    files = {net: (folder / f"{net}.csv").open("w", encoding="utf-8", newline="") for net in networks}
    writers = {net: csv.writer(f) for net, f in files.items()}
    for writer in writers.values():
        writer.writerow(["tweetid", "user_screen_name", "follower_count", "tweet_text", "tweet_time", "bot_or_not"])
    for i, account in enumerate(read_accounts(demo_dir / "accounts.jsonl")):
        row = labels[account.handle]
        net = row["network"] if row["network"] in writers else networks[i % len(networks)]
        if row["network"] and row["network"] not in writers:
            continue
        flag = "1" if row["label"] == "amplifier" else "0"
        for post in account.posts:
            writers[net].writerow([post.id, account.handle, account.profile.followers_count, post.text,
                                   post.created_at.strftime("%Y-%m-%d %H:%M:%S"), flag])  # fmt: skip
    for f in files.values():
        f.close()
    result = run("train", "--input", folder, "--format", "io-archive", "--label-column", "bot_or_not", "--no-report")
    assert result.exit_code == 0, result.output
    version = json.loads(result.stdout.splitlines()[-1])["version"]
    card = json.loads(run("models", "show", version, "--json").stdout)
    assert len(card["split"]["positive_groups_test"]) == 1
    assert card["split"]["positive_groups_test"][0] in networks
    assert not (settings.models_dir / version / "report.html").exists()  # --no-report


def test_train_needs_exactly_one_label_source(run, demo_dir) -> None:
    result = run("train", "--input", demo_dir / "accounts.jsonl")
    assert result.exit_code == 2
    assert "--labels" in result.output


def test_import_exits_3_on_malformed_jsonl_line_with_strict_and_writes_nothing(run, tmp_path, settings) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"handle": "fine_one", "posts": []}\n{"handle": "broken", "posts": [{"id": "1"}]}\n')
    result = run("import", path, "--strict")
    assert result.exit_code == 3
    assert f"{path}:2" in result.output
    assert run("score", "fine_one").exit_code == 3, "a refused file must leave nothing in the store"


def test_import_skips_malformed_lines_and_reports_them(run, tmp_path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"handle": "fine_one", "posts": []}\n\xff\xfe not utf-8\n{"handle": 3\n')
    result = run("import", path)
    assert result.exit_code == 0, result.output
    assert f"{path}:2: not valid UTF-8" in result.output and f"{path}:3" in result.output
    scored = run("score", "fine_one")
    assert scored.exit_code == 0 and '"insufficient_data"' in scored.stdout


def test_score_without_handles_or_input_is_a_usage_error(run) -> None:
    assert run("score").exit_code == 2


def test_import_limits_come_from_the_environment(run, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PARROTWATCH_MAX_POST_CHARS", "30")
    monkeypatch.setenv("PARROTWATCH_MAX_POSTS_PER_ACCOUNT", "2")
    path = tmp_path / "long.jsonl"
    posts = [{"id": str(i), "created_at": f"2024-05-0{i}T10:00:00Z", "text": f"short post {i}"} for i in range(1, 5)]
    posts.append({"id": "9", "created_at": "2024-05-09T10:00:00Z", "text": "y" * 31})
    path.write_text(json.dumps({"handle": "wordy", "posts": posts}) + "\n", encoding="utf-8")

    strict = run("import", path, "--strict")
    result = run("import", path)

    assert strict.exit_code == 3 and "31 characters, over the limit of 30" in strict.output
    assert result.exit_code == 0, result.output
    assert "31 characters, over the limit of 30" in result.output
    assert "hold more than 2 posts: @wordy (4)" in result.output


def test_score_of_a_file_tells_an_x_account_from_a_reddit_account_of_the_same_name(run, demo_dir, tmp_path) -> None:
    with (demo_dir / "accounts.jsonl").open(encoding="utf-8") as lines:
        model = json.loads(next(lines))
    path = tmp_path / "two.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for platform in ("x", "reddit"):
            posts = [{**post, "id": f"{platform}-{post['id']}"} for post in model["posts"][:5]]
            out.write(json.dumps({**model, "handle": "civic", "user_id": None, "platform": platform, "posts": posts}))
            out.write("\n")

    result = run("score", "reddit:u/civic", "--input", path)

    assert result.exit_code == 0, result.output
    [scored] = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert (scored["handle"], scored["platform"], scored["n_posts"]) == ("civic", "reddit", 5)
    both = run("score", "--input", path)
    assert sorted(json.loads(line)["platform"] for line in both.stdout.splitlines() if line.startswith("{")) == [
        "reddit",
        "x",
    ]
