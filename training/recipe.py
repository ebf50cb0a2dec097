"""A training recipe: the labeled sources a model is built from, read into one labeled set that knows its sources.

The shipped default model is trained from a recipe (``training/recipes/default.yaml``) so that a rebuild reads the
same files in the same way, and the model card can name every source and its licence. Each source is one platform
and one kind of file; its accounts are keyed by ``(platform, handle)``, and two files of one source that hold the
same account (an operation's posts in one, more of its posts in another) are merged into one account. Posts that two
files both hold (same time, same text) count once.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from detector.false_discovery import DEFAULT_MAX_FDR
from detector.schema import Account, Post, Profile
from ingest.io_archive import IoArchiveReader
from ingest.ira_csv import read_ira_rows
from ingest.jsonl import read_account_rows
from ingest.records import AccountRow, RowProblem
from ingest.reddit_csv import read_reddit_rows
from training.errors import InsufficientDataError, InvalidLabelsError
from training.labels import POSITIVE_LABEL, LabelRow, read_label_column, read_labels
from training.train import LabeledSet, assemble_labeled_set

__all__ = ["DATA_ROOT_ENV", "Recipe", "RecipeData", "RecipeSource", "load_recipe", "read_recipe_data"]

DATA_ROOT_ENV = "PARROTWATCH_RECIPE_DATA"
SourceKind = Literal["io-archive", "ira-csv", "reddit-csv", "jsonl", "synthetic"]


class RecipeSource(BaseModel):
    """One labeled source. ``path`` is relative to the recipe's data root (a file, or a folder of CSV files)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    kind: SourceKind
    platform: str
    path: str | None = None
    label_column: str | None = None  # io-archive: the column holding 1/0 labels
    label_file: str | None = None  # jsonl: a labels CSV
    label: Literal["amplifier", "ordinary"] | None = None  # every account of the source has this label
    networks: dict[str, str] = Field(default_factory=dict)  # file stem -> operation name
    network: str | None = None  # the operation of every positive account of the source
    # Labels read as others, e.g. {state_affiliated: amplifier}: the score measures how an account repeats state
    # lines, and a state account asserts them first (it is flagged apart as state-affiliated, by list or profile).
    relabel: dict[str, Literal["amplifier", "ordinary"]] = Field(default_factory=dict)
    accounts: int = 2000  # synthetic: corpus size
    seed: int = 2023  # synthetic: generator seed
    licence: str
    origin: str
    note: str = ""


class Recipe(BaseModel):
    """What ``parrotwatch train --recipe`` reads: the sources and the options of the model built from them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    data_root: str = "../shared/data"
    seed: int = 0
    min_posts: int = 5
    profile_features: bool = False
    # Platforms whose behaviour gets weights of its own (None: every platform with enough labeled accounts of each
    # class), and whether a behaviour block shared by all platforms is learned too.
    behaviour_platforms: list[str] | None = None
    # Platforms whose text gets a model of its own (None: every platform with enough labeled accounts of each class);
    # the others are read by the shared text model.
    text_platforms: list[str] | None = None
    shared_behaviour: bool = True
    # Count paraphrase and translation links (multilingual sentence vectors) in the coordination columns.
    semantic_coordination: bool = False
    # Count only links of account pairs that post in step more often than chance, at this false-discovery rate
    # (Benjamini-Hochberg over each account's peers); null counts every link. The recipe decides, not the
    # environment, so that the same recipe always builds the same model.
    coordination_fdr: float | None = Field(default=DEFAULT_MAX_FDR, gt=0.0, le=1.0)
    prevalence: float = Field(default=0.2, gt=0.0, lt=1.0)
    high_precision: float = Field(default=0.9, gt=0.0, le=1.0)
    elevated_recall: float = Field(default=0.9, gt=0.0, le=1.0)
    sources: list[RecipeSource]


@dataclass(frozen=True)
class RecipeData:
    """The labeled set of a recipe, with each account's source name (rows as in ``data``)."""

    data: LabeledSet
    sources: np.ndarray
    skipped_rows: dict[str, int]


def load_recipe(path: Path) -> Recipe:
    """Read and validate a recipe YAML file; ``InvalidLabelsError`` naming the problem when it is not one."""
    path = Path(path)
    try:
        return Recipe.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidLabelsError(str(path), [(1, f"cannot read recipe: {exc}")]) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidLabelsError(str(path), [(1, f"invalid recipe: {where}: {first['msg']}")]) from exc


def data_root(recipe: Recipe, recipe_path: Path, override: Path | None = None) -> Path:
    """Where the recipe's paths start: ``override``, else ``$PARROTWATCH_RECIPE_DATA``, else the recipe's own
    ``data_root`` relative to the working directory."""
    if override is not None:
        return Path(override)
    if os.environ.get(DATA_ROOT_ENV):
        return Path(os.environ[DATA_ROOT_ENV])
    return Path(recipe.data_root)


def read_recipe_data(recipe: Recipe, root: Path, *, min_posts: int = 1) -> RecipeData:
    """Read every source of ``recipe`` under ``root`` and join accounts with labels; ``InsufficientDataError`` names
    a source whose files are missing."""
    by_key: dict[str, Account] = {}
    labels: dict[str, LabelRow] = {}
    source_of: dict[str, str] = {}
    skipped: dict[str, int] = {}
    for source in recipe.sources:
        found, found_labels, n_skipped = _read_source(source, root)
        skipped[source.name] = n_skipped
        for account in found:
            key = _key(source.platform, account.handle).lower()
            if key in by_key:  # one account in two sources (an operation's posts in two releases): merged
                by_key[key] = _merged_account(by_key[key], account)
            else:
                by_key[key] = account
                source_of[key] = source.name
        for handle, row in found_labels.items():
            key = _key(source.platform, handle).lower()
            if key in labels and labels[key].label != row.label:
                raise InvalidLabelsError(
                    source.name, [(row.line, f"{key} is {row.label} here, {labels[key].label} before")]
                )
            labels.setdefault(key, row)
    accounts = list(by_key.values())
    keyed = [
        account.model_copy(update={"handle": _key(account.platform or "", account.handle)}) for account in accounts
    ]
    data = assemble_labeled_set(keyed, labels, min_posts=min_posts)
    # assemble_labeled_set sorts by handle; give accounts their own handles back, in that order.
    originals = {_key(a.platform or "", a.handle).lower(): a for a in accounts}
    restored = [originals[a.handle.lower()] for a in data.accounts]
    data = LabeledSet(accounts=restored, labels=data.labels, groups=data.groups, y=data.y, summary=data.summary)
    sources = np.array([source_of[_key(a.platform or "", a.handle).lower()] for a in restored])
    return RecipeData(data=data, sources=sources, skipped_rows=skipped)


def _key(platform: str, handle: str) -> str:
    return f"{platform}:{handle}"


def _paths(root: Path, source: RecipeSource) -> list[Path]:
    if source.path is None:
        raise InvalidLabelsError(source.name, [(1, "no path")])
    path = root / source.path
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in {".csv", ".gz", ".jsonl"})
    else:
        files = [path] if path.exists() else []
    if not files:
        raise InsufficientDataError(f"recipe source {source.name!r}: nothing at {path}")
    return files


def _read_source(source: RecipeSource, root: Path) -> tuple[list[Account], dict[str, LabelRow], int]:
    """The accounts of one source (platform set), their labels keyed by lower-cased handle, and rows skipped."""
    if source.kind == "synthetic":
        from ingest.synthetic import generate_corpus

        corpus = generate_corpus(seed=source.seed, n_accounts=source.accounts)
        accounts = [item.account.model_copy(update={"platform": source.platform}) for item in corpus]
        labels = {
            item.account.handle.lower(): LabelRow(
                item.account.handle, source.relabel.get(item.label, item.label), item.network, 0
            )
            for item in corpus
        }
        return accounts, labels, 0
    files = _paths(root, source)
    labels: dict[str, LabelRow] = {}
    if source.kind == "io-archive":
        if source.label_column:
            labels = read_label_column(files, source.label_column)
        rows: Iterable[AccountRow | RowProblem] = (row for path in files for row in IoArchiveReader(path))
    elif source.kind == "ira-csv":
        rows = (row for path in files for row in read_ira_rows(path))
    elif source.kind == "reddit-csv":
        rows = (row for path in files for row in read_reddit_rows(path))
    else:
        rows = (row for path in files for row in read_account_rows(path))
        if source.label_file:
            labels = read_labels(root / source.label_file)
    accounts, skipped = _assemble(rows, source.platform)
    if source.kind == "reddit-csv":
        labels = _reddit_labels(files)
    if source.label is not None:
        labels = {a.handle.lower(): LabelRow(a.handle, source.label, None, 0) for a in accounts}
    labels = {handle: _relabelled(row, source) for handle, row in labels.items()}
    labels = {
        handle: _with_network(row, source) if row.label == POSITIVE_LABEL else row for handle, row in labels.items()
    }
    return accounts, labels, skipped


def _relabelled(row: LabelRow, source: RecipeSource) -> LabelRow:
    label = source.relabel.get(row.label, row.label)
    return row if label == row.label else LabelRow(row.handle, label, row.network, row.line)


def _with_network(row: LabelRow, source: RecipeSource) -> LabelRow:
    network = source.network or source.networks.get(row.network or "", row.network) or source.name
    return LabelRow(row.handle, row.label, network, row.line)


def _reddit_labels(files: list[Path]) -> dict[str, LabelRow]:
    """The ``label`` column of a Reddit posts file (``amplifier`` or ``ordinary``), one per account."""
    import csv

    from ingest.ira_csv import open_text

    labels: dict[str, LabelRow] = {}
    problems: list[tuple[int, str]] = []
    for path in files:
        with open_text(path) as f:
            reader = csv.DictReader(f)
            for record in reader:
                handle = (record.get("handle") or "").strip()
                label = (record.get("label") or "").strip().lower()
                if not handle:
                    continue
                if label not in {"amplifier", "ordinary"}:
                    problems.append((reader.line_num, f"unknown label {label!r} for {handle}"))
                    continue
                labels.setdefault(handle.lower(), LabelRow(handle, label, None, reader.line_num))
    if problems:
        raise InvalidLabelsError(", ".join(map(str, files)), problems[:20])
    return labels


def _assemble(rows: Iterator[AccountRow | RowProblem] | Iterable[AccountRow | RowProblem], platform: str):
    """Accounts from rows (profile: the last row that gave one; posts deduplicated by time and text)."""
    profiles: dict[str, Profile] = {}
    handles: dict[str, str] = {}
    posts: dict[str, dict[tuple[float, str], Post]] = defaultdict(dict)
    skipped = 0
    for row in rows:
        if isinstance(row, RowProblem):
            if row.fatal:
                raise InvalidLabelsError("recipe", [(row.line, row.reason)])
            skipped += 1
            continue
        key = row.handle.lower()
        handles.setdefault(key, row.handle)
        if row.profile is not None:
            profiles[key] = _merged(profiles.get(key), row.profile)
        if row.post is not None:
            posts[key].setdefault((row.post.created_at.timestamp(), row.post.text), row.post)
    accounts = [
        Account(
            handle=handles[key],
            platform=platform,
            profile=profiles.get(key, Profile()),
            posts=sorted(posts[key].values(), key=lambda p: p.created_at),
        )
        for key in sorted(handles)
    ]
    return accounts, skipped


def _merged_account(old: Account, new: Account) -> Account:
    posts = {(p.created_at.timestamp(), p.text): p for p in [*old.posts, *new.posts]}
    return old.model_copy(
        update={
            "profile": _merged(old.profile, new.profile),
            "posts": sorted(posts.values(), key=lambda p: p.created_at),
        }
    )


def _merged(old: Profile | None, new: Profile) -> Profile:
    """A profile with ``new``'s known fields over ``old``'s: a file without a column does not erase it."""
    if old is None:
        return new
    known = {name: value for name, value in new.model_dump().items() if value is not None}
    return old.model_copy(update=known)
