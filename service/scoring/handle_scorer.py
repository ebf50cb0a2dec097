"""The scoring use case, once: handles in, one outcome per handle out, every score recorded.

The API route, the job runner and the CLI are doors to it (DESIGN.md, "One use case, three doors"): each parses its
input, calls ``HandleScorer.score`` and renders the outcomes (HTTP entries, job items, JSON lines and an exit code).
Between the two, here and nowhere else: handles are checked, resolved (the store, else X), each account's post
columns are built once and shared by the coordination index and the detector (so every post is normalized and
MinHashed once per request), remembered scores are reused, and the scores are recorded.

A handle that cannot be scored gets a ``ScoringProblem``: the original error, with its problem type, HTTP status
and title from ``service.problems`` and the ``retry_after_s`` the source gave (``None`` when it gave none). It is
made once, where the error is met, and each door reads what it needs from it; nothing is rebuilt from strings.

Reuse has two levels. In memory, ``ScoreMemo`` returns the score of an account, model, catalog and coordination
context seen before: nothing is normalized, hashed or scored. In the database, ``record_score`` counts a score
equal to the handle's latest stored one on that row (``served_count``) instead of storing a copy.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from detector.coordination import CoordinationIndex
from detector.declared import DeclaredStateAccounts
from detector.post_columns import PostColumns
from detector.registry import LoadedModel
from detector.schema import Account
from detector.scoring import AccountScore, score_accounts
from ingest.database import writing
from ingest.errors import UnknownHandleError
from ingest.handles import normalize_handle
from ingest.resolve import AccountResolver, Resolution
from ingest.x_cost import XMeter
from service.db.scores import record_score
from service.errors import InvalidHandleError
from service.metrics import Metrics
from service.problems import problem_for
from service.score_memo import ScoreJson, ScoreMemo
from service.state import ServiceState

__all__ = [
    "HandleOutcome",
    "HandleScorer",
    "Recorder",
    "SameTransaction",
    "ScoringProblem",
    "record_in_history",
    "scorer_for",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScoringProblem:
    """Why one handle has no score: the error itself, and how every door names it.

    ``type`` is the problem type URI (``/problems/<slug>``), ``status`` the HTTP status the error maps to, and
    ``retry_after_s`` the wait the source asked for in whole seconds, ``None`` when it asked for none.
    """

    type: str
    title: str
    status: int
    detail: str
    retry_after_s: int | None
    error: Exception = field(repr=False, compare=False)

    @classmethod
    def of(cls, error: Exception) -> ScoringProblem:
        status, slug, title = problem_for(error)
        retry_after_s = getattr(error, "retry_after_s", None)
        return cls(f"/problems/{slug}", title, status, str(error), retry_after_s, error)


@dataclass(frozen=True)
class HandleOutcome:
    """One requested handle: its score (and where its account came from) or its problem, never both.

    ``serialized`` is the score with its JSON made once (``ScoreJson``): the history and the response read it there,
    so a score served from the memo is not serialized again."""

    handle: str
    serialized: ScoreJson | None = None
    problem: ScoringProblem | None = None
    source_status: str | None = None
    platform: str | None = None

    @property
    def score(self) -> AccountScore | None:
        return self.serialized.score if self.serialized is not None else None

    @property
    def is_scored(self) -> bool:
        return self.serialized is not None


Recorder = Callable[[Sequence[HandleOutcome]], list[AccountScore]]
"""Records a request's outcomes (in request order) and returns the scores it recorded, e.g. for counting."""


class SameTransaction(Protocol):
    """Something to write with the scores, in their transaction (the request's audit row), and to be told once they
    are committed."""

    def write(self, conn: Connection) -> None: ...

    def committed(self) -> None: ...


def record_in_history(engine: Engine, *, also: SameTransaction | None = None) -> Recorder:
    """Record every score in the score history, in one transaction (a repeat counts on its row), with ``also``'s
    rows: one commit per request, not one for the scores and another for the audit log."""

    def record(outcomes: Sequence[HandleOutcome]) -> list[AccountScore]:
        scored = [outcome.serialized for outcome in outcomes if outcome.serialized is not None]
        if scored or also is not None:
            with writing(engine), engine.begin() as conn:
                for serialized in scored:
                    record_score(conn, serialized.score, serialized=serialized.stored)
                if also is not None:
                    also.write(conn)
            if also is not None:
                also.committed()
        return [serialized.score for serialized in scored]

    return record


@dataclass
class HandleScorer:
    """Score handles with one model: resolve, build post columns once, reuse or score, record, report.

    ``coordination``: the index of posts seen so far, which the scored accounts' posts join (``None`` links each
    batch within itself). ``memo`` remembers scores in memory (``ScoreMemo(0)`` for a one-shot CLI run).
    ``record`` stores the outcomes; ``metrics``, when given, counts the recorded scores by band. ``new_meter`` gives
    the X meter of a request that brings none (the month's, so every paid read is capped and counted).
    """

    loaded: LoadedModel
    resolver: AccountResolver
    declared: DeclaredStateAccounts | None
    coordination: CoordinationIndex | None
    memo: ScoreMemo
    record: Recorder
    metrics: Metrics | None = None
    new_meter: Callable[[], XMeter] | None = None

    def score(
        self, handles: Sequence[str], *, refresh: bool = False, meter: XMeter | None = None
    ) -> list[HandleOutcome]:
        """One outcome per handle, in order; the scored ones are recorded before this returns.

        Raises only what concerns the whole request: ``XApiConfigurationError`` when X refuses the token, a
        ``DetectorError`` when the model cannot score, and whatever ``record`` raises (nothing is then recorded).
        A handle whose X read ``meter`` refused, or X's 402 stopped, has an ``XSpendStoppedError`` problem.
        """
        if meter is None and self.new_meter is not None:
            meter = self.new_meter()
        started = time.perf_counter()
        outcomes: list[HandleOutcome | None] = [None] * len(handles)
        valid: list[tuple[int, str]] = []
        for position, raw in enumerate(handles):
            handle = normalize_handle(raw)
            if handle is None:
                outcomes[position] = _failed(raw, InvalidHandleError(raw))
            else:
                valid.append((position, handle))
        found: list[tuple[int, Resolution]] = []
        metered = {"meter": meter} if meter is not None else {}
        for (position, handle), resolution in zip(
            valid, self.resolver.resolve([h for _, h in valid], refresh=refresh, **metered), strict=True
        ):
            if resolution.account is None:
                error = resolution.error or UnknownHandleError(handle)
                outcomes[position] = _failed(handle, error, platform=resolution.platform)
            else:
                found.append((position, resolution))
        scores, n_remembered = self._scores([resolution for _, resolution in found])
        for (position, resolution), serialized in zip(found, scores, strict=True):
            outcomes[position] = HandleOutcome(
                serialized.score.handle,
                serialized=serialized,
                source_status=resolution.status,
                platform=_platform(resolution),
            )
        done = [outcome for outcome in outcomes if outcome is not None]
        recorded = self.record(done)
        if self.metrics is not None:
            self.metrics.count_scores([score.band for score in recorded])
        # A request the memo answered whole is logged at debug: the request's own line says it was answered.
        logger.log(
            logging.DEBUG if len(handles) == n_remembered else logging.INFO,
            "scored handles",
            extra={
                "n_requested": len(handles),
                "n_scored": len(scores),
                "n_remembered": n_remembered,
                "model_version": self.loaded.version,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return done

    def _scores(self, resolutions: Sequence[Resolution]) -> tuple[list[ScoreJson], int]:
        """A finished score per resolved account, in order, and how many came from the memo."""
        accounts = [resolution.account for resolution in resolutions if resolution.account is not None]
        if not accounts:
            return [], 0
        model, version = self.loaded.model, self.loaded.version
        catalog_version = model.catalog_version
        index = self.coordination
        generation = index.generation if index is not None else 0
        remembered = [self.memo.get(self.memo.key(version, catalog_version, a, generation)) for a in accounts]
        # A score remembered at this generation was made with the account's posts indexed and nothing added since,
        # so a request the memo answers whole has no new post to add. Otherwise new posts (of any account here)
        # change every account's coordination context, and then nothing remembered holds.
        if None in remembered and index is not None and index.has_unseen_posts(accounts):
            remembered = [None] * len(accounts)
        n_remembered = sum(score is not None for score in remembered)
        todo = [row for row, score in enumerate(remembered) if score is None]
        if todo:
            batch = [accounts[row] for row in todo]
            columns = PostColumns(batch)  # normalized texts and signatures, shared by the index and the detector
            if index is not None:
                index.add(batch, columns=columns)  # from now on, later requests link to these posts too
            generation = index.generation if index is not None else 0
            fresh = score_accounts(
                model, batch, model_version=version, declared=self.declared, index=index, columns=columns
            )
            for row, score in zip(todo, fresh, strict=True):
                # Finished before it is remembered, so the memo hands out the very object (and JSON) served.
                remembered[row] = ScoreJson(_finished(score, resolutions[row]))
                self.memo.put(self.memo.key(version, catalog_version, accounts[row], generation), remembered[row])
        return [score for score in remembered if score is not None], n_remembered


def _failed(handle: str, error: Exception, *, platform: str | None = None) -> HandleOutcome:
    return HandleOutcome(handle, problem=ScoringProblem.of(error), platform=platform)


def _finished(score: AccountScore, resolution: Resolution) -> AccountScore:
    """``score`` with the platform the account was found on and the profile's counts analysts see."""
    platform = _platform(resolution)
    if platform is not None and score.platform != platform:
        score = score.model_copy(update={"platform": platform})
    metrics = _account_metrics(resolution.account)
    if metrics != score.account_metrics:
        score = score.model_copy(update={"account_metrics": metrics})
    return score


def _platform(resolution: Resolution) -> str | None:
    return (resolution.account.platform if resolution.account is not None else None) or resolution.platform


def _account_metrics(account: Account | None) -> dict[str, int]:
    """The profile's platform counts the score carries for analysts (``AccountScore.account_metrics``)."""
    if account is None:
        return {}
    profile = account.profile
    counts = {"link_karma": profile.link_karma, "comment_karma": profile.comment_karma}
    return {name: value for name, value in counts.items() if value is not None}


def scorer_for(state: ServiceState, loaded: LoadedModel, record: Recorder | None = None) -> HandleScorer:
    """The service's scorer for ``loaded``: its resolver, index, memo and metrics; scores go to the history unless
    ``record`` stores them otherwise (a job's items)."""
    return HandleScorer(
        loaded=loaded,
        resolver=state.resolver,
        declared=state.declared,
        coordination=state.coordination,
        memo=state.score_memo,
        record=record if record is not None else record_in_history(state.engine),
        metrics=state.metrics,
        new_meter=state.x_spend.month,
    )
