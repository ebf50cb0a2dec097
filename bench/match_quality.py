"""Precision and recall of talking-point matching on a hand-labeled match set, by threshold, kind and language.

    .venv/bin/python bench/match_quality.py [--fixture tests/detector/fixtures/match_set.jsonl]
        [--thresholds 0.4,0.45,0.5,0.525,0.55,0.6] [--cjk-thresholds 0.2,0.25,0.275,0.3,0.35] [--top 15]

Why: the narrative component counts a post as saying a catalog line when its lexical score for the line reaches
``match_threshold`` (``cjk_match_threshold`` for a post in Chinese script). Whether the thresholds separate the lines
from talk *about* the same topics, and which kinds of wording they miss (paraphrase, Chinese, other languages), is
what this measures; the shipped thresholds were chosen on this set. The
fixture holds posts written for this purpose, each labeled with the talking point it states (or none) and its kind:
verbatim, paraphrase, translation, report, rebuttal (these five state or quote a line), same_topic and unrelated
(these state none).

A prediction is a post whose best talking point reaches the threshold of its script. Precision is the share of
predictions whose talking point is the labeled one; recall is the share of labeled posts predicted with their own
talking point.
Reports and rebuttals do quote the line, so matching them is correct here: telling them apart from assertions is
attribution's job, shown in a separate table. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from detector.catalog import TalkingPointCatalog, load_catalog
from detector.features.narrative import NarrativeFeatures
from detector.schema import Account, Post
from detector.text_normalize import has_cjk, normalize_text

DEFAULT_FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "detector" / "fixtures" / "match_set.jsonl"
KINDS = ("verbatim", "paraphrase", "translation", "report", "rebuttal", "same_topic", "unrelated")
LANGS = ("en", "zh", "fr", "es", "ru")
FIELDS = ("id", "text", "lang", "talking_point_id", "kind")
Threshold = tuple[float, float]  # an operating point: (threshold for alphabetic scripts, for Chinese script)


@dataclass(frozen=True)
class Example:
    """One labeled post and what the matcher found for it (its best talking point below any threshold too)."""

    id: str
    text: str
    lang: str
    label: str | None
    kind: str
    predicted: str | None = None
    similarity: float = 0.0
    attribution: str | None = None

    @property
    def cjk(self) -> bool:
        return has_cjk(normalize_text(self.text))

    def predicted_at(self, threshold: Threshold) -> bool:
        return self.predicted is not None and self.similarity >= threshold[self.cjk]

    def correct_at(self, threshold: Threshold) -> bool:
        return self.predicted_at(threshold) and self.predicted == self.label


def load_fixture(path: Path, catalog: TalkingPointCatalog) -> list[Example]:
    """Read the JSONL match set, checking every line's fields, kind and talking-point id against the catalog."""
    known = {tp.id for tp in catalog.talking_points}
    examples: list[Example] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if set(row) != set(FIELDS):
            raise ValueError(f"{path}:{number}: fields {sorted(row)}, expected {sorted(FIELDS)}")
        if row["kind"] not in KINDS:
            raise ValueError(f"{path}:{number}: unknown kind {row['kind']!r}")
        if row["talking_point_id"] is not None and row["talking_point_id"] not in known:
            raise ValueError(f"{path}:{number}: unknown talking point {row['talking_point_id']!r}")
        examples.append(Example(row["id"], row["text"], row["lang"], row["talking_point_id"], row["kind"]))
    ids = Counter(e.id for e in examples)
    duplicates = sorted(i for i, n in ids.items() if n > 1)
    if duplicates:
        raise ValueError(f"{path}: duplicate ids {', '.join(duplicates)}")
    return examples


def match(examples: Sequence[Example], catalog: TalkingPointCatalog) -> list[Example]:
    """Attach each post's best talking point and similarity, using a near-zero threshold so that all are kept."""
    features = NarrativeFeatures(catalog=catalog, match_threshold=0.01, cjk_match_threshold=0.01).fit([])
    when = datetime(2023, 3, 1, tzinfo=UTC)
    posts = [
        Post(id=e.id, created_at=when, text=e.text, lang=e.lang, is_retweet=e.text.startswith("RT @")) for e in examples
    ]
    [matches] = features.match_accounts([Account(handle="match_set", posts=posts)])
    found = {m.post.id: m for m in matches}
    result = []
    for e in examples:
        m = found.get(e.id)
        if m is None:
            result.append(e)
        else:
            result.append(
                Example(e.id, e.text, e.lang, e.label, e.kind, m.talking_point_id, m.similarity, str(m.attribution))
            )
    return result


def precision_recall(
    examples: Iterable[Example], threshold: Threshold
) -> tuple[int, int, int, float | None, float | None]:
    """(labeled, predicted, correct, precision, recall); a ratio is ``None`` when its denominator is 0."""
    examples = list(examples)
    labeled = sum(e.label is not None for e in examples)
    predicted = sum(e.predicted_at(threshold) for e in examples)
    correct = sum(e.correct_at(threshold) for e in examples)
    precision = correct / predicted if predicted else None
    recall = correct / labeled if labeled else None
    return labeled, predicted, correct, precision, recall


def _ratio(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def print_overall(examples: Sequence[Example], thresholds: Sequence[Threshold], default: Threshold) -> None:
    print("\nOverall (P = correct / predicted, R = correct / labeled posts; threshold: alphabetic / Chinese script)")
    header = ("predicted", "correct", "wrong tp", "on null")
    print(f"{'threshold':>11}  " + "  ".join(f"{h:>9}" for h in header) + f"  {'P':>5}  {'R':>5}  F1")
    for t in thresholds:
        _, predicted, correct, p, r = precision_recall(examples, t)
        wrong = sum(e.predicted_at(t) and e.label is not None and e.predicted != e.label for e in examples)
        on_null = sum(e.predicted_at(t) and e.label is None for e in examples)
        f1 = 2 * p * r / (p + r) if p and r else 0.0
        mark = " <- default" if t == default else ""
        counts = "  ".join(f"{n:>9}" for n in (predicted, correct, wrong, on_null))
        print(f"{_label(t):>11}  {counts}  {_ratio(p)}  {_ratio(r)}  {f1:.3f}{mark}")


def _label(threshold: Threshold) -> str:
    return f"{threshold[0]:.3g}/{threshold[1]:.3g}"


def print_grouped(
    title: str,
    examples: Sequence[Example],
    key: Callable[[Example], str],
    groups: Sequence[str],
    thresholds: Sequence[Threshold],
) -> None:
    """One row per group, one ``P/R`` cell per threshold; groups without labeled posts show their false matches."""
    print(f"\n{title}: P/R per threshold (groups without labeled posts: fp = posts matched to any talking point)")
    print(f"{'':<12} {'n':>4}  " + "  ".join(f"{_label(t):>11}" for t in thresholds))
    by_group: dict[str, list[Example]] = defaultdict(list)
    for e in examples:
        by_group[key(e)].append(e)
    for group in [g for g in groups if g in by_group] + sorted(set(by_group) - set(groups)):
        members = by_group[group]
        cells = []
        for t in thresholds:
            labeled, predicted, _, p, r = precision_recall(members, t)
            cells.append(f"{_ratio(p)}/{_ratio(r)}" if labeled else f"{'fp=' + str(predicted):>11}")
        print(f"{group:<12} {len(members):>4}  " + "  ".join(f"{c:>11}" for c in cells))


def print_attribution(examples: Sequence[Example], threshold: Threshold) -> None:
    print(f"\nAttribution of correctly matched posts at {_label(threshold)}, per kind")
    names = sorted({e.attribution for e in examples if e.attribution is not None})
    print(f"{'':<12} " + "  ".join(f"{n:>9}" for n in names))
    for kind in KINDS:
        counts = Counter(e.attribution for e in examples if e.kind == kind and e.correct_at(threshold))
        if counts:
            print(f"{kind:<12} " + "  ".join(f"{counts.get(n, 0):>9}" for n in names))


def _show(e: Example, width: int = 90) -> str:
    text = e.text if len(e.text) <= width else e.text[: width - 1] + "…"
    return f"  {e.id} {e.kind}/{e.lang} label={e.label} got={e.predicted} sim={e.similarity:.3f}\n      {text}"


def print_failures(examples: Sequence[Example], threshold: Threshold, top: int) -> None:
    false_positives = sorted(
        (e for e in examples if e.predicted_at(threshold) and e.predicted != e.label), key=lambda e: -e.similarity
    )
    print(
        f"\nWorst false positives at {_label(threshold)} ({len(false_positives)} in all; top {top}, highest similarity)"
    )
    for e in false_positives[:top]:
        print(_show(e))
    missed = sorted(
        (e for e in examples if e.kind in ("verbatim", "report") and not e.correct_at(threshold)),
        key=lambda e: e.similarity,
    )
    print(f"\nMissed verbatim and report posts at {_label(threshold)} ({len(missed)} in all; top {top}, lowest score)")
    for e in missed[:top]:
        print(_show(e))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", type=Path, default=DEFAULT_FIXTURE)
    parser.add_argument("--thresholds", default="0.4,0.45,0.5,0.525,0.55,0.6", help="for alphabetic scripts")
    parser.add_argument("--cjk-thresholds", default="0.2,0.25,0.275,0.3,0.35", help="for Chinese script")
    parser.add_argument("--top", type=int, default=15, help="failure cases to print (default: 15)")
    args = parser.parse_args()
    catalog = load_catalog()
    shipped = NarrativeFeatures(catalog=catalog)
    default = (shipped.match_threshold, shipped.cjk_match_threshold)
    # Each script's thresholds swept with the other's at its default.
    thresholds = [(float(t), default[1]) for t in args.thresholds.split(",")]
    thresholds += [(default[0], float(t)) for t in args.cjk_thresholds.split(",")]
    thresholds = sorted(set(thresholds) | {default})
    examples = match(load_fixture(args.fixture, catalog), catalog)

    print(f"catalog {catalog.catalog_version} ({len(catalog.talking_points)} talking points); fixture {args.fixture}")
    counts = Counter((e.kind, e.lang) for e in examples)
    langs = [lang for lang in LANGS if any(e.lang == lang for e in examples)]
    print(f"\n{len(examples)} posts, {sum(e.label is not None for e in examples)} labeled with a talking point")
    print(f"{'':<12} " + "  ".join(f"{lang:>4}" for lang in langs) + "  total")
    for kind in KINDS:
        row = [counts[kind, lang] for lang in langs]
        print(f"{kind:<12} " + "  ".join(f"{n:>4}" for n in row) + f"  {sum(row):>5}")

    print_overall(examples, thresholds, default)
    print_grouped("Per kind", examples, lambda e: e.kind, KINDS, thresholds)
    print_grouped("Per language", examples, lambda e: e.lang, LANGS, thresholds)
    print_attribution(examples, default)
    print_failures(examples, default, args.top)


if __name__ == "__main__":
    main()
