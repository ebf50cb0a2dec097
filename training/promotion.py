"""The promotion gate: a candidate replaces the active model only if it does not rank worse on the same accounts.

Both versions are scored on labeled accounts that neither trained on, so neither is flattered: by default the union
of their held-out splits minus both training splits, or every labeled account of a set the operator gives. The gate
compares PR-AUC (amplifiers are rare: precision at the top is what analysts live with) and refuses a candidate below
the active model by more than a tolerance. ``force`` overrides it; every activation, forced or not, goes into the
registry's append-only ``AUDIT.jsonl`` with who, when and the figures, and ``on_audit`` lets a caller copy the entry
elsewhere (the service's own audit log).
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from detector.registry import LoadedModel, ModelRegistry
from training.errors import InsufficientDataError, NothingToRollBackError, PromotionRefusedError
from training.evaluate import held_out_scores
from training.metrics import compute_metrics
from training.train import LabeledSet

__all__ = [
    "DEFAULT_TOLERANCE",
    "AuditHook",
    "GateResult",
    "current_user",
    "gate_handles",
    "promote",
    "rollback",
    "run_gate",
]

DEFAULT_TOLERANCE = 0.02
AuditHook = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class GateResult:
    """Both versions' figures on the same held-out accounts, and whether the candidate passes."""

    candidate: str
    active: str
    candidate_pr_auc: float
    active_pr_auc: float
    candidate_roc_auc: float
    active_roc_auc: float
    n_accounts: int
    n_positive: int
    tolerance: float
    accounts: str  # which accounts: "held-out splits of both versions" or "given set"

    @property
    def passed(self) -> bool:
        return self.candidate_pr_auc >= self.active_pr_auc - self.tolerance

    def figures(self) -> dict[str, Any]:
        return {**asdict(self), "passed": self.passed}


def current_user() -> str:
    """Who is acting, for the audit trail: ``$USER``, else the login name."""
    try:
        return os.environ.get("USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def gate_handles(registry: ModelRegistry, candidate: str, active: str, *, held_out_only: bool) -> set[str] | None:
    """Lower-cased handles both versions may be judged on, or ``None`` for every labeled account they did not train
    on (``held_out_only=False``, a set the operator gave)."""
    if not held_out_only:
        return None
    splits = [registry.split(version) for version in (candidate, active)]
    tested = {h.lower() for split in splits for h in split.get("test", [])}
    trained = {h.lower() for split in splits for h in split.get("train", [])}
    return tested - trained


def run_gate(
    registry: ModelRegistry,
    candidate: LoadedModel,
    active: LoadedModel,
    data: LabeledSet,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    held_out_only: bool = True,
) -> GateResult:
    """Score both versions on the same labeled accounts neither trained on and compare their PR-AUC.

    Raises ``InsufficientDataError`` when those accounts lack a class (a PR-AUC needs both).
    """
    trained = {
        h.lower() for version in (candidate.version, active.version) for h in registry.split(version).get("train", [])
    }
    allowed = gate_handles(registry, candidate.version, active.version, held_out_only=held_out_only)
    if allowed is not None:
        trained |= {a.handle.lower() for a in data.accounts if a.handle.lower() not in allowed}
    scores = {loaded.version: held_out_scores(loaded, data, trained_on=trained) for loaded in (candidate, active)}
    y = scores[candidate.version].y
    if len(np.unique(y)) < 2:
        raise InsufficientDataError(
            f"the {len(y)} accounts neither version trained on hold one class only: give a labeled set with "
            "--input and --labels"
        )
    metrics = {
        version: compute_metrics(s.y, s.proba, (candidate if version == candidate.version else active).model.thresholds)
        for version, s in scores.items()
    }
    return GateResult(
        candidate=candidate.version,
        active=active.version,
        candidate_pr_auc=metrics[candidate.version]["pr_auc"],
        active_pr_auc=metrics[active.version]["pr_auc"],
        candidate_roc_auc=metrics[candidate.version]["roc_auc"],
        active_roc_auc=metrics[active.version]["roc_auc"],
        n_accounts=len(y),
        n_positive=int(y.sum()),
        tolerance=tolerance,
        accounts="held-out splits of both versions" if held_out_only else "given labeled set",
    )


def promote(
    registry: ModelRegistry,
    version: str,
    *,
    gate: GateResult | None,
    force: bool = False,
    user: str | None = None,
    on_audit: AuditHook | None = None,
) -> dict[str, Any]:
    """Make ``version`` active if ``gate`` passed (or there was no active model to compare with, ``gate=None``),
    or with ``force``; return the audit entry. A refusal raises ``PromotionRefusedError`` and changes nothing."""
    if gate is not None and not gate.passed and not force:
        raise PromotionRefusedError(version, gate.active, gate.figures(), gate.tolerance)
    registry.load(version)  # refuse a tampered or unloadable artifact before pointing at it
    forced = gate is not None and not gate.passed
    entry = registry.activate(
        version,
        action="force-promote" if forced else "promote",
        audit={"user": user or current_user(), "gate": gate.figures() if gate else None, "forced": forced},
    )
    if on_audit is not None:
        on_audit(entry)
    return entry


def rollback(registry: ModelRegistry, *, user: str | None = None, on_audit: AuditHook | None = None) -> dict[str, Any]:
    """Make the previously active version (from the audit trail) active again; return the audit entry."""
    target = registry.previous_active()
    if target is None:
        raise NothingToRollBackError(f"no earlier active version in {registry.root / 'AUDIT.jsonl'}")
    registry.load(target)
    entry = registry.activate(target, action="rollback", audit={"user": user or current_user()})
    if on_audit is not None:
        on_audit(entry)
    return entry
