"""The job runner: a pool of worker threads that score pending job items, a small batch at a time.

Each worker takes the next batch of pending items of the oldest queued or running job, resolves and scores it, and
commits the outcomes with the job's counters in one transaction (``service.db.jobs.record_outcomes``). Progress
lives only in the database, so after a crash or ``kill -9`` the runner started by the next process resumes every
unfinished job at its first pending item; a batch that was in flight is scored again and recorded once. A batch
scored while another writer holds the database (SQLite "database is locked") is kept in memory and its commit
retried with backoff for ``job_record_retry_s``, so a busy database delays results rather than discarding them.

Every batch reads X through its job's meter (``service.x_budget``), under the month's. When a read would pass the
job's or the month's cap, or X answers 402, the handles it concerned stay pending and the job is ``paused`` with the
reason and those handles; what was scored is kept. A paused job is never claimed, so no worker spins on it;
``resume_job`` queues it again and its meter starts from the spend recorded so far.

Claims are kept in this process's memory (a cursor per job): one process runs jobs. Several API workers on Postgres
would need ``SELECT ... FOR UPDATE SKIP LOCKED`` claims instead.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

from sqlalchemy.exc import OperationalError

from detector.errors import DetectorError
from detector.scoring import AccountScore
from ingest.errors import IngestError, XSpendStoppedError
from ingest.x_cost import XMeter
from service.db.jobs import (
    ItemOutcome,
    finish_if_drained,
    get_job,
    pause_job,
    pending_items,
    record_outcomes,
    start_job,
    unfinished_jobs,
)
from service.scoring.handle_scorer import HandleOutcome, ScoringProblem, scorer_for
from service.state import ServiceState

__all__ = ["JobRunner"]

logger = logging.getLogger(__name__)


class JobRunner:
    """Score jobs in ``workers`` threads, ``batch_size`` accounts per transaction."""

    def __init__(
        self,
        state: ServiceState,
        *,
        workers: int,
        batch_size: int,
        idle_poll_s: float = 1.0,
        record_retry_s: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.state = state
        self.record_retry_s = record_retry_s
        self._sleep = sleep
        self.workers = workers
        self.batch_size = batch_size
        self.idle_poll_s = idle_poll_s
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._claim_lock = threading.Lock()
        self._cursors: dict[str, int] = {}  # job id -> last position handed to a worker
        self._meters: dict[str, XMeter] = {}  # job id -> its X meter, shared by the workers on it

    def start(self) -> None:
        for n in range(self.workers):
            thread = threading.Thread(target=self._work, name=f"job-worker-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)
        logger.info("job runner started", extra={"workers": self.workers, "batch_size": self.batch_size})

    def stop(self, timeout_s: float = 30.0) -> None:
        """Let in-flight batches commit, then stop (pending items wait for the next start)."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout_s)
        self._threads.clear()

    def wake(self) -> None:
        """A job was created: start on it now rather than at the next poll."""
        self._wake.set()

    def run_once(self) -> bool:
        """Claim and score one batch in the calling thread; False when no job has pending items.

        What each worker does in a loop; tests call it with the pool stopped to step a job deterministically.
        """
        claim = self._claim()
        if claim is None:
            return False
        job_id, refresh, items, meter = claim
        self._run_batch(job_id, refresh, items, meter)
        return True

    # -- workers ---------------------------------------------------------------------------------------------------
    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                if not self.run_once():
                    self._wake.wait(self.idle_poll_s)
                    self._wake.clear()
            except DetectorError as exc:  # no usable model: items stay pending until one is activated
                logger.warning("job batch waits for a model", extra={"error": str(exc)})
                self._forget_cursors()
                self._stop.wait(5.0)
            except Exception:  # a worker's top boundary: log, back off, and keep the pool alive
                logger.exception("job worker failed")
                self._forget_cursors()
                self._stop.wait(1.0)

    def _forget_cursors(self) -> None:
        """Items of a failed batch are still pending: let the next claim start from the first pending item again."""
        with self._claim_lock:
            self._cursors.clear()

    def _claim(self) -> tuple[str, bool, list[tuple[int, int, str]], XMeter] | None:
        engine = self.state.engine
        with self._claim_lock:
            active = unfinished_jobs(engine)
            for gone in set(self._cursors) - set(active):  # finished, cancelled or paused
                del self._cursors[gone]
            for gone in set(self._meters) - set(active):
                del self._meters[gone]
            for job_id in active:
                if not start_job(engine, job_id):
                    self._cursors.pop(job_id, None)
                    continue
                after = self._cursors.get(job_id, -1)
                items = pending_items(engine, job_id, limit=self.batch_size, after_position=after)
                if not items:  # the rest is in flight in another worker, or nothing is left
                    if finish_if_drained(engine, job_id):
                        logger.info("job finished with nothing left pending", extra={"job_id": job_id})
                    continue
                self._cursors[job_id] = items[-1][1]
                status = get_job(engine, job_id, max_errors=0)
                default_cap = self.state.settings.x_job_budget_usd
                cap = status.x_budget_usd if status.x_budget_usd is not None else default_cap
                meter = self._meters.get(job_id)
                if meter is None or meter.cap_usd != cap:  # new, or its budget was changed
                    meter = self.state.x_spend.job(status, default_cap)
                    self._meters[job_id] = meter
                return job_id, status.refresh, items, meter
        return None

    def _pause(self, job_id: str, paused: list[tuple[str, XSpendStoppedError]]) -> None:
        """Pause the job for the first stop's reason, naming the handles left waiting; forget its claims."""
        stop = paused[0][1]
        handles = ", ".join(f"@{handle}" for handle, _ in paused)
        if pause_job(self.state.engine, job_id, reason=stop.reason, detail=f"{stop}; waiting: {handles}"):
            logger.warning("job paused", extra={"job_id": job_id, "reason": stop.reason, "n_waiting": len(paused)})
        with self._claim_lock:
            self._cursors.pop(job_id, None)
            self._meters.pop(job_id, None)

    def _run_batch(self, job_id: str, refresh: bool, items: Sequence[tuple[int, int, str]], meter: XMeter) -> None:
        """Score a claimed batch through the scoring use case; its outcomes become the items' results."""
        started = time.perf_counter()
        loaded = self.state.require_model()
        item_ids = [item_id for item_id, _, _ in items]
        recorded: list[AccountScore] = []
        paused: list[tuple[str, XSpendStoppedError]] = []

        def record(outcomes: Sequence[HandleOutcome]) -> list[AccountScore]:
            settled = []
            for item_id, outcome in zip(item_ids, outcomes, strict=True):
                stop = outcome.problem.error if outcome.problem is not None else None
                if isinstance(stop, XSpendStoppedError):  # not read: the item waits for the job's resume
                    paused.append((outcome.handle, stop))
                else:
                    settled.append(_item_outcome(item_id, outcome))
            stored = self._record(job_id, settled)
            recorded.extend(stored)
            return stored

        try:
            scorer_for(self.state, loaded, record=record).score([h for _, _, h in items], refresh=refresh, meter=meter)
        except IngestError as exc:  # X refused the token: every handle of the batch gets that error
            problem = ScoringProblem.of(exc)
            self._record(job_id, [_problem_outcome(item_id, problem) for item_id in item_ids])
        if paused:
            self._pause(job_id, paused)
        logger.info(
            "job batch recorded",
            extra={
                "job_id": job_id,
                "n_accounts": len(items),
                "n_scored": len(recorded),
                "model_version": loaded.version,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )

    def _record(self, job_id: str, outcomes: list[ItemOutcome]) -> list[AccountScore]:
        """Commit a scored batch, retrying while the database is busy; the last failure propagates (the items stay
        pending and are scored again)."""
        waited, backoff_s = 0.0, 0.25
        while True:
            try:
                return record_outcomes(self.state.engine, job_id, outcomes)
            except OperationalError as exc:
                if not _is_busy(exc) or waited >= self.record_retry_s:
                    raise
                logger.warning(
                    "database busy; job batch kept in memory and retried",
                    extra={"job_id": job_id, "n_accounts": len(outcomes), "retry_in_s": backoff_s},
                )
                self._sleep(backoff_s)
                waited += backoff_s
                backoff_s = min(backoff_s * 2, 5.0)


def _is_busy(exc: OperationalError) -> bool:
    message = str(exc.orig).lower()
    return "locked" in message or "busy" in message


def _problem_outcome(item_id: int, problem: ScoringProblem) -> ItemOutcome:
    return ItemOutcome(item_id=item_id, error_type=problem.type, error_detail=problem.detail)


def _item_outcome(item_id: int, outcome: HandleOutcome) -> ItemOutcome:
    if outcome.problem is not None:
        return _problem_outcome(item_id, outcome.problem)
    return ItemOutcome(item_id=item_id, result=outcome.score)
