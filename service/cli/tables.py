"""Rich tables of figures: a training report's splits, ablation and languages; an evaluation; a model card.

Each function takes the JSON-ready dicts that ``training`` produces and returns tables, so every command prints the
same figures the same way and the JSON stays the record.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich import box
from rich.table import Table

__all__ = ["candidates_table", "card_tables", "evaluation_tables", "gate_table", "report_tables", "split_table"]

_METRICS = ("roc_auc", "pr_auc", "f1", "brier")
# One space between columns: a table of figures fits 80 columns with room for a long split name.
_COMPACT: dict[str, Any] = {"box": box.SIMPLE_HEAD, "collapse_padding": True, "pad_edge": False}


def _text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def split_table(title: str, rows: Iterable[Mapping[str, Any]], bands: Sequence[str]) -> Table:
    """One row per split (or fold, or subset): sizes, ranking figures, and precision/recall at each band."""
    table = Table(title=title, caption=f"{', '.join(bands)}: precision/recall at the band", **_COMPACT)
    table.add_column("split", overflow="fold")  # a long name folds; the figures never do
    for column in ("n", "pos", "ROC", "PR", "F1", "Brier", *bands):
        table.add_column(column, justify="right", no_wrap=True)
    for row in rows:
        band_cells = []
        for band in bands:
            figures = row.get("bands", {}).get(band)
            band_cells.append(f"{figures['precision']:.2f}/{figures['recall']:.2f}" if figures else "-")
        table.add_row(
            row["name"],
            str(row["n_accounts"]),
            str(row["n_positive"]),
            *(_text(row[m]) for m in _METRICS),
            *band_cells,
        )
    return table


def _language_table(title: str, rows: Iterable[Mapping[str, Any]]) -> Table:
    table = Table(title=title, caption="figures where each class has at least 5 accounts", **_COMPACT)
    table.add_column("language")
    for column in ("n", "pos", "ROC-AUC", "PR-AUC", "F1", "Brier"):
        table.add_column(column, justify="right")
    for row in rows:
        metrics = row["metrics"] or {}
        table.add_row(
            row["language"], str(row["n_accounts"]), str(row["n_positive"]), *(_text(metrics.get(m)) for m in _METRICS)
        )
    return table


def report_tables(summary: Mapping[str, Any]) -> list[Table]:
    """The training report's summary: split methods x figures, operations left out, ablation, languages."""
    bands = list(summary["thresholds"])
    tables = [split_table("held-out figures by split method", summary["splits"], bands)]
    if summary["splits_skipped"]:
        tables.append(_pairs_table("splits not measured", summary["splits_skipped"].items()))
    operations = summary["leave_one_operation_out"]
    if operations["folds"]:
        rows = [{**fold, "name": fold["name"].removeprefix("leave out ")} for fold in operations["folds"]]
        tables.append(split_table("leave one operation out (split = the operation held out)", rows, bands))
    ablation = Table(title=f"ablation ({summary['ablation']['split']} split)", **_COMPACT)
    ablation.add_column("variant", no_wrap=True)
    for column in ("ROC-AUC", "PR-AUC", "Brier"):
        ablation.add_column(column, justify="right")
    for row in summary["ablation"]["rows"]:
        ablation.add_row(row["variant"], *(_text(row.get(m)) for m in ("roc_auc", "pr_auc", "brier")))
    tables.append(ablation)
    tables.append(
        _language_table(f"by language ({summary['by_language']['split']} split)", summary["by_language"]["rows"])
    )
    return tables


def evaluation_tables(figures: Mapping[str, Any]) -> list[Table]:
    """An evaluation's figures on the accounts the model did not train on, overall and per language."""
    bands = list(figures["bands"])
    overall = {"name": "not trained on", **figures}
    return [
        split_table(f"model {figures['model_version']}: accounts it did not train on", [overall], bands),
        _language_table("by language", figures["by_language"]),
    ]


def candidates_table(candidates: Iterable[Mapping[str, Any]], chosen: str | None = None) -> Table:
    """The heads compared by grouped cross-validation on the training side: mean ± sd over folds; * = chosen."""
    table = Table(title="candidate heads (grouped CV on the training side, mean ± sd over folds)", **_COMPACT)
    table.add_column("head", no_wrap=True)
    for column in ("folds", "ROC-AUC", "PR-AUC", "Brier"):
        table.add_column(column, justify="right", no_wrap=True)
    for row in candidates:

        def cell(name: str, row: Mapping[str, Any] = row) -> str:
            figure = row[name]
            return "-" if figure["mean"] is None else f"{figure['mean']:.3f} ± {figure['sd']:.3f}"

        mark = " *" if row["kind"] == chosen else ""
        table.add_row(row["kind"] + mark, str(row["n_folds"]), cell("roc_auc"), cell("pr_auc"), cell("brier"))
    return table


def gate_table(gate: Mapping[str, Any]) -> Table:
    """The promotion gate: both versions' figures on the same held-out accounts."""
    table = Table(title=f"promotion gate: {gate['n_accounts']} accounts ({gate['accounts']})", **_COMPACT)
    for column in ("version", "role", "PR-AUC", "ROC-AUC"):
        table.add_column(column, no_wrap=True)
    table.add_row(gate["candidate"], "candidate", _text(gate["candidate_pr_auc"]), _text(gate["candidate_roc_auc"]))
    table.add_row(gate["active"], "active", _text(gate["active_pr_auc"]), _text(gate["active_roc_auc"]))
    verdict = "passes" if gate["passed"] else "refused"
    table.caption = f"{verdict}: candidate PR-AUC may be at most {gate['tolerance']} below the active one"
    return table


def _pairs_table(title: str, pairs: Iterable[tuple[str, Any]]) -> Table:
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for name, value in pairs:
        table.add_row(name, _text(value))
    return table


def card_tables(card: Mapping[str, Any]) -> list[Table]:
    """A model card as tables: identity, thresholds, metrics, data, split, configuration and libraries."""
    identity = [(key, card.get(key)) for key in ("version", "created_at", "target", "catalog_version", "min_posts")] + [
        ("artifact sha256", card.get("artifact", {}).get("sha256"))
    ]
    metrics = card.get("metrics", {})
    bands = list(card.get("thresholds", {}))
    metric_rows = [{"name": name.replace("_", " "), **figures} for name, figures in metrics.items()]
    return [
        _pairs_table("model", identity),
        _pairs_table("band thresholds (lowest score in the band)", card.get("thresholds", {}).items()),
        split_table("metrics", metric_rows, bands),
        *([candidates_table(card["candidates"], card.get("head", {}).get("kind"))] if card.get("candidates") else []),
        _pairs_table("head", card.get("head", {}).items()),
        _pairs_table("data", card.get("data", {}).items()),
        _pairs_table("split", card.get("split", {}).items()),
        _pairs_table("config", card.get("config", {}).items()),
        _pairs_table("libraries", card.get("libraries", {}).items()),
    ]
