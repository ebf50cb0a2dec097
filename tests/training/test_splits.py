"""Each named split holds out what its name says, keeps both classes on both sides, or refuses."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from detector.schema import Account
from training.errors import InsufficientDataError
from training.splits import (
    by_account_split,
    by_network_split,
    by_time_split,
    leave_one_operation_out,
    median_post_times,
)


@pytest.fixture
def accounts_on_days(account_factory):
    """Accounts whose five posts all fall on one given day each (days after the factory's start)."""

    def make(days: list[int]) -> list[Account]:
        accounts = []
        for i, day in enumerate(days):
            account = account_factory(f"user{i}", [f"post {k}" for k in range(5)], every=timedelta(hours=1))
            moved = [p.model_copy(update={"created_at": p.created_at + timedelta(days=day)}) for p in account.posts]
            accounts.append(account.model_copy(update={"posts": moved}))
        return accounts

    return make


def test_time_split_tests_the_accounts_that_posted_last(accounts_on_days) -> None:
    days = [7, 19, 3, 15, 0, 12, 18, 5, 16, 9, 1, 17, 11, 2, 14, 6, 10, 4, 13, 8]
    accounts = accounts_on_days(days)
    y = np.array([day % 2 for day in days])
    split = by_time_split(accounts, y, test_fraction=0.25)
    assert sorted(days[i] for i in split.test) == [15, 16, 17, 18, 19]
    assert sorted(days[i] for i in split.train) == list(range(15))
    times = median_post_times(accounts)
    assert times[split.test].min() > times[split.train].max()


def test_time_split_refuses_a_test_side_without_positives(accounts_on_days) -> None:
    accounts = accounts_on_days(list(range(20)))
    y = np.array([1] * 6 + [0] * 14)  # every positive posted in the first week
    with pytest.raises(InsufficientDataError, match="test side has no positive"):
        by_time_split(accounts, y, test_fraction=0.25)


def test_time_split_refuses_a_train_side_without_negatives(accounts_on_days) -> None:
    accounts = accounts_on_days(list(range(20)))
    y = np.array([1] * 15 + [0] * 5)
    with pytest.raises(InsufficientDataError, match="train side has no negative"):
        by_time_split(accounts, y, test_fraction=0.25)


@pytest.fixture
def operations() -> tuple[np.ndarray, np.ndarray]:
    """Three networks of different sizes (positives) and 40 negatives, each its own group."""
    groups = ["net-a"] * 6 + ["net-b"] * 4 + ["net-c"] * 3 + [f"account:{i}" for i in range(40)]
    y = np.array([1] * 13 + [0] * 40)
    return y, np.array(groups)


def test_leave_one_operation_out_holds_each_network_out_alone(operations) -> None:
    y, groups = operations
    folds = leave_one_operation_out(y, groups, negative_fraction=0.25, seed=0)
    assert [fold.name for fold in folds] == ["leave out net-a", "leave out net-b", "leave out net-c"]
    held_negatives = {tuple(fold.test[y[fold.test] == 0]) for fold in folds}
    assert len(held_negatives) == 1  # the same negatives in every fold
    assert len(next(iter(held_negatives))) == 10
    for fold, network in zip(folds, ("net-a", "net-b", "net-c"), strict=True):
        assert set(groups[fold.test][y[fold.test] == 1]) == {network}
        assert network not in set(groups[fold.train])
        assert not set(fold.train) & set(fold.test)
        assert len(fold.train) + len(fold.test) == len(y)


def test_leave_one_operation_out_caps_folds_to_the_largest_operations(operations) -> None:
    y, groups = operations
    folds = leave_one_operation_out(y, groups, max_folds=2, seed=0)
    assert [fold.name for fold in folds] == ["leave out net-a", "leave out net-b"]


def test_leave_one_operation_out_needs_two_operations() -> None:
    y = np.array([1, 1, 0, 0, 0, 0])
    groups = np.array(["net-a", "net-a", "a", "b", "c", "d"])
    with pytest.raises(InsufficientDataError, match="2 positive groups"):
        leave_one_operation_out(y, groups)


def test_account_split_is_stratified_and_lets_networks_straddle_the_sides(operations) -> None:
    y, groups = operations
    split = by_account_split(y, test_fraction=0.25, seed=0)
    assert not set(split.train) & set(split.test)
    assert len(split.train) + len(split.test) == len(y)
    assert y[split.test].mean() == pytest.approx(y.mean(), abs=0.1)
    assert set(groups[split.train][y[split.train] == 1]) & set(groups[split.test][y[split.test] == 1])


def test_network_split_is_the_split_train_model_holds_out(demo_labeled, demo_training) -> None:
    split = by_network_split(demo_labeled.y, demo_labeled.groups, test_fraction=0.25, seed=0)
    assert np.array_equal(split.test, demo_training.test_idx)
    assert not set(demo_labeled.groups[split.train]) & set(demo_labeled.groups[split.test])
