"""scikit-learn's estimator checks over the detector's own estimators, and the same contract checked with accounts.

The feature families read a list of ``Account`` objects, not a matrix. scikit-learn generates numeric arrays for every
check that fits, so those checks cannot apply to them: each is listed below with why, and the property it stands for
is checked again with accounts in the tests after it. The families keep ``input_tags.two_d_array`` on because
scikit-learn runs no check at all (not even the API ones) for an estimator without it. The sign-constrained head
reads a matrix and passes every check.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from detector.catalog import Source, TalkingPoint, TalkingPointCatalog, load_catalog
from detector.features._base import AccountFeatures
from detector.features.behaviour import BehaviourFeatures
from detector.features.content import ContentFeatures
from detector.features.narrative import NarrativeFeatures
from detector.features.repetition import RepetitionFeatures
from detector.linear import SignConstrainedLogisticRegression
from detector.registry import ModelRegistry
from detector.schema import Account
from detector.scoring import prepare_batch
from ingest.synthetic import generate_corpus

CATALOG = load_catalog()
# One line is enough for scikit-learn's checks, and keeps the catalog's repr (part of each check's id) short.
SMALL_CATALOG = TalkingPointCatalog(
    version="t",
    title="t",
    talking_points=(
        TalkingPoint(
            id="t",
            title="t",
            narrative="t",
            phrases={"en": ("smear",)},
            sources=(Source(who="w", where="w", when="w"),),
        ),
    ),
)

FAMILIES: list[Callable[[], AccountFeatures]] = [
    BehaviourFeatures,
    lambda: BehaviourFeatures(profile_features=False, platforms=("x", "reddit")),
    RepetitionFeatures,
    lambda: NarrativeFeatures(catalog=CATALOG),
    lambda: ContentFeatures(min_class_accounts=2),
]

# Why each check that fits on a generated array cannot apply to an estimator whose X is a list of accounts. Every
# family refuses an array in ``fit`` with a ValueError ("X must be a sequence of Account objects"), so these fail
# the same way; the property each stands for is checked with accounts below where it means something.
_ON_ACCOUNTS = "X is a list of Account objects, not an array (checked with accounts below)"
ACCOUNT_INPUT_FAILURES = {
    "check_fit_score_takes_y": f"fits on an array; {_ON_ACCOUNTS}",
    "check_estimators_overwrite_params": f"fits on an array; {_ON_ACCOUNTS}",
    "check_dont_overwrite_parameters": f"fits on an array; {_ON_ACCOUNTS}",
    "check_estimators_fit_returns_self": f"fits on an array; {_ON_ACCOUNTS}",
    "check_fit_idempotent": f"fits on an array; {_ON_ACCOUNTS}",
    "check_fit_check_is_fitted": f"fits on an array; {_ON_ACCOUNTS}",
    "check_dict_unchanged": f"fits on an array; {_ON_ACCOUNTS}",
    "check_estimators_pickle": f"fits on an array; {_ON_ACCOUNTS}",
    "check_methods_subset_invariance": f"fits on an array; {_ON_ACCOUNTS}",
    "check_methods_sample_order_invariance": f"fits on an array; {_ON_ACCOUNTS}",
    "check_transformer_general": f"fits on an array; {_ON_ACCOUNTS}",
    "check_pipeline_consistency": f"fits on an array; {_ON_ACCOUNTS}",
    "check_readonly_memmap_input": "fits on a read-only memmapped array: a list of accounts cannot be memory-mapped",
    "check_f_contiguous_array_estimator": "fits on a Fortran-ordered array: accounts have no memory layout",
    "check_transformer_data_not_an_array": "fits on an array-like of numbers: its rows are not Account objects",
    "check_dtype_object": "fits on an object array of numbers and strings: its rows are not Account objects",
    "check_estimators_dtypes": "casts X to float32/int32/int64: an account has no dtype",
    "check_positive_only_tag_during_fit": "fits on negative numbers to test positive_only: an account has no sign",
    "check_n_features_in_after_fitting": "there is no n_features_in_: X has no columns, each row is one Account",
    "check_n_features_in": "there is no n_features_in_: X has no columns, each row is one Account",
    "check_fit2d_1sample": "expects check_array's one-sample message: one account is a valid batch",
    "check_fit2d_1feature": "expects check_array's one-feature message: an account has no feature count",
    "check_fit2d_predict1d": "expects a 1-d array to be refused on its shape: the array is refused as not accounts",
    "check_complex_data": "expects 'Complex data not supported': the array is refused as not accounts first",
    "check_estimators_empty_data_messages": "expects the 0-feature message: the array is refused as not accounts first",
    "check_estimators_nan_inf": "expects a NaN/inf message: the array is refused as not accounts before a value is "
    "read (missing account fields become nan features on purpose, imputed by the head)",
}

# ``class_weight="balanced"`` counts rows, not weights: training multiplies its per-(source, class) sample weights by
# the count-balanced class weights, so a weight of 2 is not a repeated row. With ``class_weight=None`` it is.
BALANCED_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": "class_weight='balanced' balances row counts, not weights, "
    "as training relies on; the class_weight=None instance passes it",
}


def _expected_failures(estimator: object) -> dict[str, str]:
    if isinstance(estimator, AccountFeatures):
        return ACCOUNT_INPUT_FAILURES
    if isinstance(estimator, SignConstrainedLogisticRegression) and estimator.class_weight == "balanced":
        return BALANCED_FAILURES
    return {}


@parametrize_with_checks(
    [
        BehaviourFeatures(profile_features=False, platforms=("x", "reddit")),
        RepetitionFeatures(),
        NarrativeFeatures(catalog=SMALL_CATALOG),
        ContentFeatures(),
        SignConstrainedLogisticRegression(),
        SignConstrainedLogisticRegression(C=0.1, class_weight=None, max_iter=200),
    ],
    expected_failed_checks=_expected_failures,
    xfail_strict=True,  # a listed check that starts to pass must leave the list
)
def test_sklearn_estimator_checks(estimator: object, check: Callable[[object], None]) -> None:
    check(estimator)


# The same contract with accounts: what the array checks listed above stand for.


@pytest.fixture(scope="module")
def accounts_and_labels() -> tuple[list[Account], np.ndarray]:
    corpus = generate_corpus(seed=11, n_accounts=60)
    platforms = ["x", "reddit", None]
    accounts = [labeled.account.model_copy(update={"platform": platforms[i % 3]}) for i, labeled in enumerate(corpus)]
    return accounts, np.asarray([labeled.label == "amplifier" for labeled in corpus], dtype=int)


def _ids(make: Callable[[], AccountFeatures]) -> str:
    return repr(make())[:60]


@pytest.mark.parametrize("make", FAMILIES, ids=_ids)
def test_fit_returns_self_and_leaves_parameters_alone(make, accounts_and_labels) -> None:
    accounts, y = accounts_and_labels
    family = make()
    params = joblib.hash(family.get_params())
    public_before = {k for k in vars(family) if not k.startswith("_")}
    assert family.fit(accounts, y) is family
    assert joblib.hash(family.get_params()) == params
    added = {k for k in vars(family) if not k.startswith("_")} - public_before
    assert all(name.endswith("_") for name in added), added  # learned state ends in "_"


@pytest.mark.parametrize("make", FAMILIES, ids=_ids)
def test_transform_before_fit_raises_not_fitted(make, accounts_and_labels) -> None:
    with pytest.raises(NotFittedError):
        make().transform(accounts_and_labels[0])
    with pytest.raises(NotFittedError):
        make().get_feature_names_out()


@pytest.mark.parametrize("make", FAMILIES, ids=_ids)
def test_an_array_is_refused_with_a_value_error_naming_accounts(make) -> None:
    with pytest.raises(ValueError, match="sequence of Account objects"):
        make().fit(np.zeros((4, 3)), np.array([0, 1, 0, 1]))


@pytest.mark.parametrize("make", FAMILIES, ids=_ids)
def test_rows_are_per_account_whatever_the_batch_and_order(make, accounts_and_labels) -> None:
    accounts, y = accounts_and_labels
    family = make().fit(accounts, y)
    whole = family.transform(accounts)
    assert whole.dtype == np.float64
    assert whole.shape == (len(accounts), len(family.get_feature_names_out()))
    order = np.random.default_rng(0).permutation(len(accounts))
    np.testing.assert_array_equal(family.transform([accounts[i] for i in order]), whole[order])
    for i in (0, 7, 31):
        np.testing.assert_array_equal(family.transform([accounts[i]]), whole[[i]])


@pytest.mark.parametrize("make", FAMILIES, ids=_ids)
def test_fitting_twice_clones_and_pickles_give_the_same_rows(make, accounts_and_labels) -> None:
    accounts, y = accounts_and_labels
    family = make().fit(accounts, y)
    first = family.transform(accounts)
    state = joblib.hash(vars(family))
    np.testing.assert_array_equal(family.transform(accounts), first)
    assert joblib.hash(vars(family)) == state  # transform changes nothing on the estimator
    np.testing.assert_array_equal(family.fit(accounts, y).transform(accounts), first)
    np.testing.assert_array_equal(clone(family).fit(accounts, y).transform(accounts), first)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(family)).transform(accounts), first)


# Serving calls the pipeline training fitted: scoring's shared-columns shortcut is the fitted union's own transform.


def test_the_scoring_path_computes_what_the_shipped_union_transforms(accounts_and_labels) -> None:
    model = ModelRegistry(Path(__file__).resolve().parents[2] / "models").load().model
    accounts = accounts_and_labels[0][:30]
    prepared = prepare_batch(model, accounts)
    np.testing.assert_array_equal(prepared.matrix, model.features.transform(accounts))
    matrix = model.transform(accounts)
    assert matrix.shape == (len(accounts), len(model.get_feature_names_out()))
    np.testing.assert_array_equal(matrix[:, : prepared.matrix.shape[1]], prepared.matrix)
    assert list(model.get_feature_names_out()[: prepared.matrix.shape[1]]) == list(
        model.features.get_feature_names_out()
    )
    assert model.family("narrative") is dict(model.features.transformer_list)["narrative"]
    assert model.family("no-such-family") is None
