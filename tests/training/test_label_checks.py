"""Labels that are valid line by line but weak as a whole are warned about, with counts and examples."""

from __future__ import annotations

from training.label_checks import label_warnings
from training.labels import LabelRow
from training.train import assemble_labeled_set


def _labels(pairs: list[tuple[str, str]]) -> dict[str, LabelRow]:
    return {h.lower(): LabelRow(h, label, None, line) for line, (h, label) in enumerate(pairs, start=2)}


def test_labels_for_accounts_without_posts_are_warned_with_count_examples_and_lines(account_factory) -> None:
    accounts = [account_factory(f"user{i}", ["hello"]) for i in range(10)] + [account_factory("silent", [])]
    labels = _labels([(f"user{i}", "amplifier" if i < 5 else "ordinary") for i in range(10)])
    labels |= _labels([("silent", "ordinary"), ("ghost", "amplifier")])
    data = assemble_labeled_set(accounts, labels, min_posts=1)

    [warning] = label_warnings(labels, data)

    assert warning.kind == "no_posts" and warning.count == 2
    assert warning.examples == ["ghost", "silent"]
    assert "@ghost" in warning.message and "line" in warning.message


def test_fewer_than_five_of_a_class_is_warned_as_imbalance_with_its_counts(account_factory) -> None:
    accounts = [account_factory(f"user{i}", ["hello"]) for i in range(40)]
    labels = _labels([(f"user{i}", "amplifier" if i < 3 else "ordinary") for i in range(40)])

    [warning] = label_warnings(labels, assemble_labeled_set(accounts, labels, min_posts=1))

    assert warning.kind == "imbalance" and warning.count == 3
    assert "3 amplifier and 37 other" in warning.message
    assert set(warning.examples) == {"user0", "user1", "user2"}


def test_positives_under_two_percent_are_warned_even_with_five_of_each(account_factory) -> None:
    accounts = [account_factory(f"user{i}", ["hello"]) for i in range(300)]
    labels = _labels([(f"user{i}", "amplifier" if i < 5 else "ordinary") for i in range(300)])
    [warning] = label_warnings(labels, assemble_labeled_set(accounts, labels, min_posts=1))
    assert warning.kind == "imbalance" and "1.7% positive" in warning.message


def test_balanced_labels_of_accounts_with_posts_give_no_warning(account_factory) -> None:
    accounts = [account_factory(f"user{i}", ["hello"]) for i in range(20)]
    labels = _labels([(f"user{i}", "amplifier" if i % 2 else "ordinary") for i in range(20)])
    assert label_warnings(labels, assemble_labeled_set(accounts, labels, min_posts=1)) == []
