"""Analysts' verdicts on scores, and the label rows they give a later training run.

A ``confirm`` says the band was right, a ``dispute`` that it was wrong. As a label: the account's latest verdict,
read against the band it was given about (``high``/``elevated`` mean amplifier, ``low`` means ordinary); verdicts
about an ``insufficient_data`` band say nothing about a class and give no label. A verdict belongs to the key that
gave it: analysts read their own and their team's (``service/scopes.py``); training reads them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Engine, insert, select

from service.db.tables import feedback
from service.db.timeutil import as_utc, utcnow
from service.scopes import UNRESTRICTED, Scope, owned
from training.label_sources import StoredFeedback
from training.labels import LabelRow

__all__ = ["FeedbackEntry", "Verdict", "add_feedback", "feedback_for", "feedback_label_rows", "stored_feedback"]

Verdict = Literal["confirm", "dispute"]
AMPLIFIER_BANDS = frozenset({"high", "elevated"})


@dataclass(frozen=True)
class FeedbackEntry:
    id: int
    handle: str
    verdict: Verdict
    note: str | None
    score_id: int | None
    band: str | None
    key_id: str | None
    key_name: str | None
    created_at: datetime
    job_id: str | None = None


def _entry(row) -> FeedbackEntry:  # type: ignore[no-untyped-def]
    return FeedbackEntry(
        row.id,
        row.handle,
        row.verdict,
        row.note,
        row.score_id,
        row.band,
        row.key_id,
        row.key_name,
        as_utc(row.created_at),
        row.job_id,
    )


def add_feedback(
    engine: Engine,
    *,
    handle: str,
    verdict: Verdict,
    note: str | None,
    score_id: int | None,
    band: str | None,
    key_id: str | None,
    key_name: str | None,
    job_id: str | None = None,
) -> FeedbackEntry:
    with engine.begin() as conn:
        new_id = conn.execute(
            insert(feedback).values(
                handle=handle,
                handle_key=handle.lower(),
                verdict=verdict,
                note=note,
                score_id=score_id,
                band=band,
                job_id=job_id,
                key_id=key_id,
                key_name=key_name,
                created_at=utcnow(),
            )
        ).inserted_primary_key[0]
        row = conn.execute(select(feedback).where(feedback.c.id == new_id)).one()
    return _entry(row)


def feedback_for(engine: Engine, handle: str, *, scope: Scope = UNRESTRICTED) -> list[FeedbackEntry]:
    """The verdicts on ``handle`` that ``scope`` sees, oldest first."""
    query = select(feedback).where(feedback.c.handle_key == handle.lower(), owned(scope, feedback.c.key_id))
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(feedback.c.id))
        return [_entry(row) for row in rows]


def _latest_verdicts(engine: Engine) -> list[FeedbackEntry]:
    latest: dict[str, FeedbackEntry] = {}
    with engine.connect() as conn:
        for row in conn.execute(select(feedback).order_by(feedback.c.id)):
            latest[row.handle_key] = _entry(row)
    return list(latest.values())


def _label(entry: FeedbackEntry) -> str | None:
    if entry.band not in ("high", "elevated", "low"):
        return None
    said_amplifier = entry.band in AMPLIFIER_BANDS
    is_amplifier = said_amplifier if entry.verdict == "confirm" else not said_amplifier
    return "amplifier" if is_amplifier else "ordinary"


def feedback_label_rows(engine: Engine) -> list[tuple[str, str]]:
    """``(handle, label)`` per account with feedback, from its latest verdict; labels are ``amplifier``/``ordinary``."""
    return [(entry.handle, label) for entry in _latest_verdicts(engine) if (label := _label(entry)) is not None]


def stored_feedback(engine: Engine) -> StoredFeedback:
    """The feedback labels as training reads them (``line`` is the verdict's id), and when the newest was given.

    ``newest`` counts every verdict, also one that gives no label, so that a retraining check never misses one.
    """
    entries = _latest_verdicts(engine)
    labels = {
        entry.handle.lower(): LabelRow(entry.handle, label, None, entry.id)
        for entry in entries
        if (label := _label(entry)) is not None
    }
    return StoredFeedback(labels, max((entry.created_at for entry in entries), default=None))
