"""One scoring use case behind three doors: the route, a job and the CLI do the same work once and agree.

Each door is driven as a user would (``POST /v1/scores``, ``POST /v1/jobs`` then the runner, ``parrotwatch score``)
on accounts put in the store first. The work is counted where the detector does it: every post's text goes through
``normalize_texts`` and its comparable text through ``minhash_signatures`` and ``word_signatures``
(``detector.post_columns``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

import detector.post_columns as post_columns
from detector.minhash import comparable_texts
from detector.schema import Account
from detector.scoring import AccountScore
from detector.text_normalize import normalize_texts
from ingest.database import open_database
from ingest.store import AccountStore
from service.cli import app as cli_app
from service.config import Settings
from service.db.tables import scores
from service.state import warm_coordination_index
from tests.conftest import make_account

DOORS = ("route", "job", "cli")


def fresh_accounts(prefix: str, n: int = 3) -> list[Account]:
    """Accounts the store lacks, each post's text unique, so that work on a text is work on that one post."""
    return [
        make_account(
            f"{prefix}_{i}",
            [f"{prefix} voice {i} writes note {j} about the harbour, the rain and the market prices" for j in range(8)],
        )
        for i in range(n)
    ]


@dataclass
class TextWork:
    """How many times each text was normalized, each comparable text MinHashed (word bigrams, for repetition) and
    its word set signed (for coordination)."""

    normalized: Counter[str] = field(default_factory=Counter)
    hashed: Counter[str] = field(default_factory=Counter)
    signed: Counter[str] = field(default_factory=Counter)

    def per_account(self, accounts: list[Account]) -> dict[str, tuple[set[int], set[int], set[int]]]:
        """Per handle, the distinct counts of its posts' normalizations, MinHashes and word-set signatures ({1}
        means once each)."""
        found = {}
        for account in accounts:
            texts = [p.text for p in account.posts]
            comparable = comparable_texts(texts, normalize_texts(texts))
            found[account.handle] = (
                {self.normalized[t] for t in texts},
                {self.hashed[c] for c in comparable},
                {self.signed[c] for c in comparable},
            )
        return found


@pytest.fixture
def text_work(monkeypatch: pytest.MonkeyPatch) -> Callable[[], TextWork]:
    """Start counting (call it once the door's process is warm: start-up indexing is not a request's work)."""

    def start() -> TextWork:
        work = TextWork()
        normalize, signatures = post_columns.normalize_texts, post_columns.minhash_signatures
        word_signatures = post_columns.word_signatures

        def counting_normalize(texts):  # type: ignore[no-untyped-def]
            work.normalized.update(texts)
            return normalize(texts)

        def counting_signatures(texts, num_perm=32):  # type: ignore[no-untyped-def]
            work.hashed.update(texts)
            return signatures(texts, num_perm)

        monkeypatch.setattr(post_columns, "normalize_texts", counting_normalize)

        def counting_word_signatures(texts, num_perm=32):  # type: ignore[no-untyped-def]
            work.signed.update(texts)
            return word_signatures(texts, num_perm)

        monkeypatch.setattr(post_columns, "minhash_signatures", counting_signatures)
        monkeypatch.setattr(post_columns, "word_signatures", counting_word_signatures)
        return work

    return start


@dataclass
class Doors:
    """Score handles through one door of an app or CLI on ``settings``; results as AccountScore dicts by handle."""

    settings: Settings
    make_client: Callable[..., object]
    monkeypatch: pytest.MonkeyPatch
    _client: object | None = None

    def client(self):  # type: ignore[no-untyped-def]
        if self._client is None:
            self._client = self.make_client(self.settings)
            self._client.app.state.runner.stop()  # type: ignore[attr-defined]
        return self._client

    def warm(self, door: str) -> None:
        """Start what the door needs before a request: the app, or the persisted coordination index for the CLI."""
        if door == "cli":
            engine = open_database(self.settings.resolved_database_url)
            warm_coordination_index(engine, AccountStore(engine), self.settings)
            engine.dispose()
        else:
            self.client()

    def put(self, accounts: list[Account]) -> None:
        engine = open_database(self.settings.resolved_database_url)
        store = AccountStore(engine)
        for account in accounts:
            store.put(account, source="test")
        engine.dispose()

    def score(self, door: str, handles: list[str]) -> dict[str, dict]:
        """Each handle's score as a complete ``AccountScore`` dict (the route leaves out ``None`` fields)."""
        found = {"route": self._route, "job": self._job, "cli": self._cli}[door](handles)
        return {handle: AccountScore.model_validate(r).model_dump(mode="json") for handle, r in found.items()}

    def _route(self, handles: list[str]) -> dict[str, dict]:
        response = self.client().post("/v1/scores", json={"handles": handles})
        assert response.status_code == 200, response.text
        return {r["handle"]: r["result"] for r in response.json()["results"]}

    def _job(self, handles: list[str]) -> dict[str, dict]:
        client = self.client()
        job = client.post("/v1/jobs", json={"handles": handles}).json()
        while client.app.state.runner.run_once():
            pass
        lines = client.get(f"/v1/jobs/{job['id']}/results", params={"format": "jsonl"}).text.splitlines()
        return {r["handle"]: r["result"] for r in map(json.loads, lines)}

    def _cli(self, handles: list[str]) -> dict[str, dict]:
        for name, value in {
            "PARROTWATCH_DATA_DIR": self.settings.data_dir,
            "PARROTWATCH_MODELS_DIR": self.settings.models_dir,
            "PARROTWATCH_LOG_JSON": "false",
        }.items():
            self.monkeypatch.setenv(name, str(value))
        result = CliRunner().invoke(cli_app, ["score", *handles])
        assert result.exit_code == 0, result.output
        lines = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
        return {line["handle"]: line for line in lines}


@pytest.fixture
def doors(settings, make_client, monkeypatch) -> Iterator[Doors]:  # type: ignore[no-untyped-def]
    yield Doors(settings, make_client, monkeypatch)


def score_rows(settings: Settings, handle: str) -> list[tuple[int, int]]:
    """``(id, served_count)`` of every stored score of ``handle``."""
    engine = open_database(settings.resolved_database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(scores.c.id, scores.c.served_count).where(scores.c.handle_key == handle.lower()).order_by("id")
        ).all()
    engine.dispose()
    return [(row.id, row.served_count) for row in rows]


@pytest.mark.parametrize("door", DOORS)
def test_each_post_is_normalized_and_minhashed_once_per_request(doors, text_work, door) -> None:
    accounts = fresh_accounts(f"once_{door}")
    doors.warm(door)
    doors.put(accounts)
    work = text_work()

    scored = doors.score(door, [a.handle for a in accounts])

    assert set(scored) == {a.handle for a in accounts}
    assert work.per_account(accounts) == {a.handle: ({1}, {1}, {1}) for a in accounts}


def test_route_job_and_cli_give_identical_scores_for_the_same_accounts(
    settings, make_client, monkeypatch, tmp_path, demo_store_file, demo_roles
) -> None:
    import shutil

    handles = [*demo_roles["amplifier"][:2], demo_roles["ordinary"][0], demo_roles["journalist"][0]]
    results = {}
    for door in DOORS:  # each door on its own copy of the same store: none reuses another's scores
        data_dir = tmp_path / door
        data_dir.mkdir()
        shutil.copy(demo_store_file, data_dir / "parrotwatch.db")
        own = settings.model_copy(update={"data_dir": data_dir})
        results[door] = Doors(own, make_client, monkeypatch).score(door, handles)

    for handle in handles:
        route, job, cli = (results[door][handle] for door in DOORS)
        assert (route["score"], route["band"], route["components"]) == (job["score"], job["band"], job["components"])
        assert (route["score"], route["band"], route["components"]) == (cli["score"], cli["band"], cli["components"])
        assert route == job == cli, handle


def test_repeated_score_of_an_unchanged_stored_handle_reads_no_posts_scores_nothing_and_adds_no_row(
    doors, text_work, monkeypatch
) -> None:
    import service.scoring.handle_scorer as use_case

    [account] = fresh_accounts("repeat", n=1)
    doors.put([account])
    first = doors.score("route", [account.handle])
    [(row_id, served)] = score_rows(doors.settings, account.handle)
    assert served == 1

    assembled, scored = [], []
    real_assemble, real_score = AccountStore._assemble, use_case.score_accounts
    monkeypatch.setattr(AccountStore, "_assemble", staticmethod(lambda *a: assembled.append(1) or real_assemble(*a)))
    monkeypatch.setattr(use_case, "score_accounts", lambda *a, **k: scored.append(1) or real_score(*a, **k))
    work = text_work()

    again = doors.score("route", [account.handle])
    by_job = doors.score("job", [account.handle])

    assert again == first and by_job == first
    assert (assembled, scored) == ([], []), "no post read back from the store, nothing scored"
    assert work.per_account([account]) == {account.handle: ({0}, {0}, {0})}
    assert score_rows(doors.settings, account.handle) == [(row_id, 3)], "served three times, stored once"


def test_repeated_cli_score_of_an_unchanged_handle_adds_no_row(doors, demo_roles) -> None:
    handle = demo_roles["ordinary"][2]
    first = doors.score("cli", [handle])
    again = doors.score("cli", [handle])
    assert again == first
    assert [served for _, served in score_rows(doors.settings, handle)] == [2]


def test_every_door_stores_its_scores_in_the_history(doors, demo_roles) -> None:
    engine = open_database(doors.settings.resolved_database_url)
    handles = {door: demo_roles["amplifier"][3 + i] for i, door in enumerate(DOORS)}
    for door, handle in handles.items():
        doors.score(door, [handle])
    with engine.connect() as conn:
        stored = conn.execute(select(scores.c.handle, func.count()).group_by(scores.c.handle)).all()
    engine.dispose()
    assert dict(stored) == {handle: 1 for handle in handles.values()}
