"""``parrotwatch catalog discover``: proposes talking points from imported files as well as live sources (it reads
the store), prints them as a table and writes JSON."""

from __future__ import annotations

import json

from discovery_corpus import DAY_1, LINE_ZH, N_AMPLIFIERS, UNTIL, plant_line
from typer.testing import CliRunner

from ingest.jsonl import read_accounts
from service.cli import app


def test_discover_proposes_the_line_planted_in_an_imported_file_with_table_and_json(
    cli_env, demo_dir, demo_roles, tmp_path
) -> None:
    roles = demo_roles
    accounts = [
        a for a in read_accounts(demo_dir / "accounts.jsonl") if a.handle in {*roles["state"], *roles["amplifier"]}
    ]
    planted = plant_line(accounts, roles["state"], roles["amplifier"], roles["journalist"][:0])
    imported = tmp_path / "planted.jsonl"
    imported.write_text("".join(a.model_dump_json() + "\n" for a in planted), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(imported)]).exit_code == 0
    out = tmp_path / "candidates.json"

    result = runner.invoke(
        app, ["catalog", "discover", "--since", "14d", "--until", UNTIL.isoformat(), "--json", str(out)]
    )

    assert result.exit_code == 0, result.output
    assert "talking-point candidates" in result.stdout and "civilian airship" in result.stdout
    document = json.loads(out.read_text(encoding="utf-8"))
    top = document["candidates"][0]
    assert top["phrasings"]["zh"] == LINE_ZH and top["first_seen_at"].startswith(DAY_1.date().isoformat())
    assert abs(top["spread"] - N_AMPLIFIERS) <= N_AMPLIFIERS // 10


def test_discover_refuses_a_malformed_window_with_exit_2(cli_env) -> None:
    result = CliRunner().invoke(app, ["catalog", "discover", "--since", "fortnight"])
    assert result.exit_code == 2 and "14d, 36h, 90m" in result.output
