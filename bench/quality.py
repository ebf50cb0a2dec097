"""Quality on real data: leave-one-operation-out ROC-AUC and PR-AUC, an ablation by feature family, and a baseline.

    .venv/bin/python bench/quality.py [--data ../shared/data/real/io_state_trolls] [--label-column bot_or_not]

Every archive file with positives is one operation. Each operation is held out in turn: the model trains on the
other operations and on 70% of the negative accounts, and is measured on the held-out operation's accounts and the
other 30% of negatives (the same for every fold), at account level. The baseline is TF-IDF on each account's
joined posts with a logistic regression, on the same splits. Prints figures and the machine; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score

from detector.catalog import load_catalog
from detector.embeddings import embeddings_available
from detector.model import FAMILIES
from ingest.database import make_engine
from ingest.formats import InputFormat, RowSource
from ingest.store import AccountStore
from training.labels import read_label_column
from training.train import LabeledSet, assemble_labeled_set, train_model


def load(folder: Path, column: str, min_posts: int) -> LabeledSet:
    files = sorted(folder.glob("*.csv"))
    labels = read_label_column(files, column)
    with tempfile.TemporaryDirectory() as tmp:
        store = AccountStore(make_engine(f"sqlite:///{Path(tmp) / 'q.db'}"))
        handles: list[str] = []
        for path in files:
            handles += store.import_rows(RowSource(path, InputFormat.IO_ARCHIVE), source=path.name).handles
        return assemble_labeled_set(store.iter_accounts(dict.fromkeys(handles)), labels, min_posts=min_posts)


def baseline(data: LabeledSet, train: np.ndarray, test: np.ndarray) -> tuple[float, float]:
    texts = [" ".join(p.text for p in account.posts) for account in data.accounts]
    vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=2).fit([texts[i] for i in train])
    model = LogisticRegression(max_iter=2000, class_weight="balanced")
    model.fit(vectorizer.transform([texts[i] for i in train]), data.y[train])
    proba = model.predict_proba(vectorizer.transform([texts[i] for i in test]))[:, 1]
    return roc_auc_score(data.y[test], proba), average_precision_score(data.y[test], proba)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[2] / "shared" / "data" / "real" / "io_state_trolls"
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--label-column", default="bot_or_not")
    parser.add_argument("--min-posts", type=int, default=1, help="leave out accounts with fewer posts (default: none)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not args.data.is_dir():
        raise SystemExit(f"no data folder at {args.data}: pass --data")

    started = time.perf_counter()
    data = load(args.data, args.label_column, args.min_posts)
    catalog = load_catalog()
    rng = np.random.default_rng(args.seed)
    negatives = np.flatnonzero(data.y == 0)
    held_negatives = set(rng.choice(negatives, size=max(2, round(0.3 * len(negatives))), replace=False).tolist())
    operations = sorted({str(g) for g, label in zip(data.groups, data.y, strict=True) if label == 1})
    print(f"machine: {platform.machine()} {os.cpu_count()} cpus, python {platform.python_version()}")
    summary = data.summary
    print(f"data: {args.data} ({summary['n_accounts']} accounts with >= {args.min_posts} posts, ", end="")
    print(f"{summary['n_positive']} positive; {len(held_negatives)} negatives held out in every fold)")
    variants: dict[str, tuple[tuple[str, ...], str | None]] = {"all families": (FAMILIES, None)} | {
        f"without {family}": (tuple(f for f in FAMILIES if f != family), None) for family in FAMILIES
    }
    if embeddings_available():
        variants["all + embeddings"] = (FAMILIES, "use-m3")
    header = f"{'held-out operation':<22}{'pos':>5}{'neg':>5}  " + "".join(f"{name:>22}" for name in variants)
    print("\nROC-AUC / PR-AUC at account level")
    print(header + f"{'tfidf+LR baseline':>22}")
    for operation in operations:
        test = np.array(
            [i for i in range(len(data.y)) if data.groups[i] == operation or i in held_negatives], dtype=int
        )
        train = np.array(
            [i for i in range(len(data.y)) if data.groups[i] != operation and i not in held_negatives], dtype=int
        )
        cells = []
        for families, embedder in variants.values():
            result = train_model(
                data, catalog=catalog, seed=args.seed, split=(train, test), families=families, embedder=embedder
            )
            held = result.card["metrics"]["held_out"]
            cells.append(f"{held['roc_auc']:.3f} / {held['pr_auc']:.3f}")
        roc, pr = baseline(data, train, test)
        cells.append(f"{roc:.3f} / {pr:.3f}")
        n_pos = int(data.y[test].sum())
        print(f"{operation:<22}{n_pos:>5}{len(test) - n_pos:>5}  " + "".join(f"{c:>22}" for c in cells))
    print(f"\nseconds: {time.perf_counter() - started:.0f}")


if __name__ == "__main__":
    main()
