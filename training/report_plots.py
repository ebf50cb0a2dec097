"""The report's PNG figures, drawn on matplotlib's Agg canvas: no display, and no pyplot global state to leak
between figures or threads.

Each function takes plain arrays or the report's JSON-ready pieces and writes one PNG, so the figures can be redrawn
from ``report.json`` and tested without a model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from sklearn.metrics import precision_recall_curve, roc_curve

__all__ = ["plot_confusion", "plot_importances", "plot_pr", "plot_reliability", "plot_roc"]

Curves = Mapping[str, tuple[np.ndarray, np.ndarray]]  # split name -> (labels, scores)
_DPI = 110


def _figure(**kwargs: object) -> Figure:
    figure = Figure(**kwargs)
    FigureCanvasAgg(figure)
    return figure


def _save(figure: Figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, format="png", dpi=_DPI)
    return path


def _two_classes(curves: Curves) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {name: (y, p) for name, (y, p) in curves.items() if len(np.unique(y)) == 2}


def plot_roc(curves: Curves, path: Path) -> Path:
    """ROC curve of each split's held-out scores, with the chance diagonal."""
    figure = _figure(figsize=(5.5, 5))
    axes = figure.subplots()
    for name, (y, proba) in _two_classes(curves).items():
        fpr, tpr, _ = roc_curve(y, proba)
        axes.plot(fpr, tpr, label=f"{name} (n={len(y)}, {int(y.sum())} positive)")
    axes.plot([0, 1], [0, 1], linestyle=":", color="grey", label="chance")
    axes.set(xlabel="false positive rate", ylabel="true positive rate (recall)", title="ROC, held-out accounts")
    axes.legend(loc="lower right", fontsize="small")
    return _save(figure, path)


def plot_pr(curves: Curves, path: Path) -> Path:
    """Precision-recall curve of each split, with each split's share of positives as its chance line."""
    figure = _figure(figsize=(5.5, 5))
    axes = figure.subplots()
    for name, (y, proba) in _two_classes(curves).items():
        precision, recall, _ = precision_recall_curve(y, proba)
        (line,) = axes.plot(recall, precision, label=f"{name} (n={len(y)}, {int(y.sum())} positive)")
        axes.axhline(y.mean(), linestyle=":", color=line.get_color(), linewidth=0.8)
    axes.set(xlabel="recall", ylabel="precision", ylim=(0, 1.02), title="Precision-recall, held-out accounts")
    axes.legend(loc="lower left", fontsize="small")
    return _save(figure, path)


def plot_reliability(bins: Sequence[Mapping[str, float]], path: Path, *, title: str = "held-out accounts") -> Path:
    """Calibration curve (mean score vs share of positives per bin) above a bar chart of the accounts per bin."""
    figure = _figure(figsize=(5.5, 6))
    curve, counts = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    predicted = [b["mean_predicted"] for b in bins]
    positive = [b["fraction_positive"] for b in bins]
    curve.plot([0, 1], [0, 1], linestyle=":", color="grey", label="perfectly calibrated")
    curve.plot(predicted, positive, marker="o", label="model")
    for b in bins:
        curve.annotate(str(b["count"]), (b["mean_predicted"], b["fraction_positive"]), fontsize=7,
                       textcoords="offset points", xytext=(4, -10))  # fmt: skip
    curve.set(ylabel="share of positives", ylim=(-0.02, 1.02), title=f"Reliability, {title}")
    curve.legend(loc="upper left", fontsize="small")
    counts.bar([(b["lower"] + b["upper"]) / 2 for b in bins], [b["count"] for b in bins], width=0.09)
    counts.set(xlabel="score (bin mean above, bin centre below)", ylabel="accounts", yscale="log", xlim=(0, 1))
    return _save(figure, path)


def plot_importances(coefficients: Mapping[str, float], path: Path, *, top: int = 25) -> Path:
    """The linear head's coefficients on standardized features, largest magnitude first, coloured by family."""
    ranked = sorted(coefficients.items(), key=lambda item: -abs(item[1]))[:top][::-1]
    families = sorted({name.split("__", 1)[0] for name, _ in ranked})
    colours = dict(zip(families, colormaps["tab10"].colors, strict=False))
    figure = _figure(figsize=(7, max(3.0, 0.28 * len(ranked) + 1)))
    axes = figure.subplots()
    axes.barh(
        [name for name, _ in ranked],
        [value for _, value in ranked],
        color=[colours[name.split("__", 1)[0]] for name, _ in ranked],
    )
    axes.axvline(0, color="black", linewidth=0.6)
    axes.set(xlabel="coefficient (log-odds per standard deviation)", title=f"Feature weights, top {len(ranked)}")
    axes.tick_params(axis="y", labelsize=7)
    handles = [Rectangle((0, 0), 1, 1, color=colours[f]) for f in families]
    axes.legend(handles, families, fontsize="small", loc="lower right")
    return _save(figure, path)


def plot_confusion(bands: Mapping[str, Mapping[str, float]], path: Path) -> Path:
    """One 2x2 confusion matrix per band: accounts at or above the band's threshold are called positive."""
    figure = _figure(figsize=(4.2 * len(bands), 3.8))
    axes = figure.subplots(1, len(bands), squeeze=False)
    for axis, (band, counts) in zip(axes[0], bands.items(), strict=True):
        cells = np.array([[counts["tn"], counts["fp"]], [counts["fn"], counts["tp"]]])
        axis.imshow(cells, cmap="Blues")
        for (row, col), value in np.ndenumerate(cells):
            colour = "white" if value > cells.max() / 2 else "black"
            axis.text(col, row, str(value), ha="center", va="center", color=colour, fontsize=12)
        axis.set_xticks([0, 1], ["called negative", "called positive"])
        axis.set_yticks([0, 1], ["negative", "positive"])
        axis.set_title(f"{band} (score >= {counts['threshold']})")
    return _save(figure, path)
