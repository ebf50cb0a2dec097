"""False-discovery control over many tests: Benjamini-Hochberg, and the rate training uses by default.

Kept apart from the resampling (``detector/coordination_chance.py``, numba) so that the settings, which name the
default rate, import nothing heavy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["DEFAULT_MAX_FDR", "adjusted_p_values", "benjamini_hochberg"]

DEFAULT_MAX_FDR = 0.05  # what training writes into new models (PARROTWATCH_COORDINATION_FDR)


def benjamini_hochberg(p_values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values), in input order: ``min over j >= rank of p_(j) * m / j``,
    capped at 1. A pair with ``q <= alpha`` is a discovery at false-discovery rate ``alpha``."""
    return np.asarray(adjusted_p_values([float(p) for p in p_values]), dtype=np.float64)


def adjusted_p_values(p_values: list[float]) -> list[float]:
    """``benjamini_hochberg`` of a list, as a list."""
    # Plain Python: an account has a handful of peers, and numpy's per-call cost was most of the p-value pass.
    m = len(p_values)
    q = [0.0] * m
    running = 1.0
    for rank, i in enumerate(sorted(range(m), key=p_values.__getitem__, reverse=True)):
        running = min(running, p_values[i] * m / (m - rank))
        q[i] = running
    return q
