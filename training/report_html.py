"""``report.html``: the training report as one page with no scripts and no outside resources.

The figures are the PNGs beside it, referenced by relative path, so the version folder can be copied or served as
it is. Every value comes from ``report.json`` and is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

__all__ = ["render_report_html"]

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
table { border-collapse: collapse; margin: 0.6em 0 1.4em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th:first-child, td:first-child, td.text { text-align: left; }
th { background: #f3f3f3; }
.figures { display: flex; flex-wrap: wrap; gap: 1em; }
.figures img { max-width: 100%; border: 1px solid #ddd; }
.note { color: #555; }
"""
_METRICS = ("roc_auc", "pr_auc", "f1", "brier")


def _cell(value: Any) -> str:
    if value is None:
        return "&ndash;"
    if isinstance(value, float):
        return f"{value:.3f}"
    return escape(str(value))


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(f"<td class=text>{_cell(v)}</td>" if isinstance(v, str) else f"<td>{_cell(v)}</td>" for v in row)
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _band(figures: Mapping[str, Any], band: str, key: str) -> Any:
    return figures.get("bands", {}).get(band, {}).get(key)


def _split_rows(splits: Iterable[Mapping[str, Any]], bands: Sequence[str]) -> list[list[Any]]:
    return [
        [
            s["name"],
            s["n_train"],
            s["n_accounts"],
            s["n_positive"],
            *(s[m] for m in _METRICS),
            *(_band(s, band, key) for band in bands for key in ("precision", "recall")),
            s["description"],
        ]
        for s in splits
    ]


def _split_header(bands: Sequence[str]) -> list[str]:
    band_columns = [f"{band} {key}" for band in bands for key in ("precision", "recall")]
    return ["split", "train", "test", "test positive", *_METRICS, *band_columns, "held out"]


def _image(name: str, alt: str) -> str:
    return f'<img src="{escape(name)}" alt="{escape(alt)}">'


def render_report_html(summary: Mapping[str, Any]) -> str:
    """The page for one ``report.json`` summary."""
    bands = list(summary["thresholds"])
    figures = summary["figures"]
    operations = summary["leave_one_operation_out"]
    ablation = summary["ablation"]
    languages = summary["by_language"]
    skipped = "".join(
        f"<li>{escape(name)}: {escape(reason)}</li>" for name, reason in summary["splits_skipped"].items()
    )
    if operations["skipped"]:
        operations_html = f"<p class=note>Not computed: {escape(operations['skipped'])}</p>"
    else:
        operations_html = _table(_split_header(bands), _split_rows(operations["folds"], bands))
        if operations["n_operations"] > len(operations["folds"]):
            operations_html += (
                f"<p class=note>The {len(operations['folds'])} largest of {operations['n_operations']} operations.</p>"
            )
    ablation_rows = [[r["variant"], r.get("roc_auc"), r.get("pr_auc"), r.get("brier")] for r in ablation["rows"]]
    language_rows = [
        [r["language"], r["n_accounts"], r["n_positive"], *((r["metrics"] or {}).get(m) for m in _METRICS)]
        for r in languages["rows"]
    ]
    confusion_rows = [
        [band, c["threshold"], c["tp"], c["fp"], c["fn"], c["tn"]] for band, c in summary["confusion"]["bands"].items()
    ]
    data_rows = [[key.removeprefix("n_").replace("_", " "), value] for key, value in summary["data"].items()]
    title = f"parrotwatch model {summary['model_version']}"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title><style>{_STYLE}</style></head>
<body>
<h1>{escape(title)}</h1>
<p>Target: <code>{escape(summary["target"])}</code>. Catalog {escape(summary["catalog_version"])}.
Families: {escape(", ".join(summary["families"]))}. Band thresholds:
{escape(", ".join(f"{band} >= {value}" for band, value in summary["thresholds"].items()))}.</p>
<p class=note>Figures are on accounts the head did not train on. Band thresholds of each split were chosen on
out-of-fold scores of its own training side. They describe this labeled data and nothing else: figures on a
synthetic corpus say how the code behaves, not how it does on real operations.</p>

<h2>Data</h2>
{_table(["", "accounts"], data_rows)}

<h2>Held-out figures by split</h2>
<p class=note><b>by_account</b> lets network-mates of training accounts into the test side, so it is the optimistic
one; <b>by_network</b> holds whole networks out; <b>by_time</b> tests on the accounts that posted last.</p>
{_table(_split_header(bands), _split_rows(summary["splits"], bands))}
{f"<ul class=note>{skipped}</ul>" if skipped else ""}
<div class=figures>{_image(figures["roc"], "ROC curves")}{_image(figures["pr"], "precision-recall curves")}</div>

<h2>Leave one operation out</h2>
<p class=note>Each fold holds out one positive network and the same share of negatives.</p>
{operations_html}

<h2>Calibration ({escape(summary["reliability"]["split"])} split)</h2>
<p class=note>Points near the diagonal mean a score of 0.8 is right about 80% of the time; the numbers are
the accounts in each bin, and a bin of a few accounts says little.</p>
{_image(figures["reliability"], "reliability plot")}

<h2>Confusion at the band thresholds ({escape(summary["confusion"]["split"])} split)</h2>
{_table(["band", "threshold", "true pos", "false pos", "false neg", "true neg"], confusion_rows)}
{_image(figures["confusion"], "confusion matrices")}

<h2>Ablation ({escape(ablation["split"])} split)</h2>
<p class=note>The head refitted without one feature family at a time: how much each family carries.</p>
{_table(["variant", "roc_auc", "pr_auc", "brier"], ablation_rows)}

<h2>By language ({escape(languages["split"])} split)</h2>
<p class=note>Language guessed from each account's posts ({escape(languages["method"])}). Figures only where
both classes have at least 5 accounts.</p>
{_table(["language", "accounts", "positive", *_METRICS], language_rows)}

<h2>Feature weights</h2>
<p class=note>Coefficients of the linear head on standardized features: the change in log-odds for one standard
deviation more of the feature, the others held fixed.</p>
{_image(figures["importances"], "feature weights")}
</body></html>
"""
