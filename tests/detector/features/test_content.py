"""The content family: a text model per platform, learned from labeled accounts, that explains itself in terms."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from detector.features.content import SHARED_PLATFORM, ContentFeatures, balanced_weights, link_terms
from tests.conftest import make_account

OPERATION = ["the patriots rise against the corrupt elite tonight", "wake up patriots the elite lies again"]
ORDINARY = ["my garden tomatoes are finally red", "the bus was late again this morning"]


def _accounts(platform: str | None, n: int, offset: int = 0) -> tuple[list, np.ndarray]:
    accounts, y = [], []
    for i in range(n):
        amplifier = i % 2 == 0
        texts = [f"{t} {i + offset}" for t in (OPERATION if amplifier else ORDINARY)] * 3
        accounts.append(make_account(f"{platform}_{i + offset}", texts).model_copy(update={"platform": platform}))
        y.append(int(amplifier))
    return accounts, np.array(y)


def test_it_learns_the_vocabulary_of_labeled_accounts_and_scores_unseen_ones() -> None:
    accounts, y = _accounts("x", 60)
    content = ContentFeatures(min_class_accounts=10).fit(accounts, y)
    unseen, unseen_y = _accounts("x", 10, offset=1000)
    scores = content.transform(unseen)[:, 0]
    assert scores[unseen_y == 1].min() > scores[unseen_y == 0].max()


def test_each_platform_with_enough_labeled_accounts_gets_its_own_model_and_others_the_shared_one() -> None:
    x_accounts, x_y = _accounts("x", 60)
    reddit_accounts, reddit_y = _accounts("reddit", 8)
    content = ContentFeatures(min_class_accounts=10).fit(x_accounts + reddit_accounts, np.r_[x_y, reddit_y])
    assert content.platforms_ == (SHARED_PLATFORM, "x")
    assert content.model_for("x") == "x"
    assert content.model_for("reddit") == SHARED_PLATFORM  # 4 per class: too few for a model of its own
    assert content.model_for(None) == SHARED_PLATFORM


def test_fitting_needs_labels() -> None:
    accounts, _ = _accounts("x", 10)
    with pytest.raises(ValueError, match="pass y"):
        ContentFeatures().fit(accounts)


def test_an_account_without_posts_has_no_content_score() -> None:
    accounts, y = _accounts("x", 40)
    content = ContentFeatures(min_class_accounts=10).fit(accounts, y)
    empty = make_account("quiet", []).model_copy(update={"platform": "x"})
    assert np.isnan(content.transform([empty])[0, 0])


def test_explanations_name_the_terms_that_moved_the_score() -> None:
    accounts, y = _accounts("x", 60)
    content = ContentFeatures(min_class_accounts=10).fit(accounts, y)
    explanation = content.explain(accounts[0], top=8)
    terms = dict(explanation.terms)
    assert any(term in terms for term in ("patriots", "elite", "corrupt"))
    assert all(share > 0 for term, share in terms.items() if term in ("patriots", "elite"))
    assert explanation.posts and {post_id for post_id, _ in explanation.posts} <= {p.id for p in accounts[0].posts}


def test_parameters_clone_and_refit_to_the_same_scores() -> None:
    accounts, y = _accounts("x", 40)
    one = ContentFeatures(min_class_accounts=10).fit(accounts, y)
    two = clone(one).fit(accounts, y)
    np.testing.assert_array_equal(one.transform(accounts), two.transform(accounts))


def test_balanced_weights_give_every_platform_and_class_the_same_total() -> None:
    y = np.array([1, 1, 1, 0, 1, 0, 0, 0, 0])
    platforms = ["x", "x", "x", "x", "reddit", "reddit", "reddit", "reddit", "reddit"]
    weights = balanced_weights(y, platforms)
    totals = {
        (p, label): weights[[i for i in range(len(y)) if platforms[i] == p and y[i] == label]].sum()
        for p in ("x", "reddit")
        for label in (0, 1)
    }
    assert np.allclose(list(totals.values()), len(y) / 4)


def test_the_sites_an_account_links_to_are_terms_and_shorteners_are_not() -> None:
    post = make_account("a", ["read www.Example-News.com/story now https://t.co/abc"]).posts[0]
    post = post.model_copy(update={"urls": ["https://state-daily.cn/a/1", "http://[broken"]})
    assert link_terms(post) == " link:example-news.com link:state-daily.cn"
    assert link_terms(make_account("b", ["no links here"]).posts[0]) == ""


def test_an_account_that_links_where_operations_link_is_scored_up_by_the_site_alone() -> None:
    def linking(handle: str, site: str) -> object:
        account = make_account(handle, ["an ordinary day in town", "coffee with friends"] * 3)
        posts = [p.model_copy(update={"urls": [f"https://{site}/p/{i}"]}) for i, p in enumerate(account.posts)]
        return account.model_copy(update={"posts": posts, "platform": "x"})

    accounts = [linking(f"u{i}", "ops-site.example" if i % 2 else "paper.example") for i in range(40)]
    y = np.array([i % 2 for i in range(40)])
    content = ContentFeatures(min_class_accounts=10).fit(accounts, y)
    scores = content.transform([linking("new_op", "ops-site.example"), linking("new_reader", "paper.example")])[:, 0]
    assert scores[0] > 0 > scores[1]
    assert "link:ops-site.example" in dict(content.explain(linking("op2", "ops-site.example")).terms)


def test_a_text_model_only_training_needs_can_be_dropped_but_not_the_shared_one() -> None:
    x_accounts, x_y = _accounts("x", 40)
    generated, generated_y = _accounts("generated", 40, offset=500)
    content = ContentFeatures(min_class_accounts=10).fit(x_accounts + generated, np.r_[x_y, generated_y])
    served = content.without_models(["generated"])
    assert served.platforms_ == (SHARED_PLATFORM, "x") and "generated" in content.platforms_
    np.testing.assert_array_equal(served.transform(x_accounts[:5]), content.transform(x_accounts[:5]))
    with pytest.raises(ValueError, match="shared"):
        content.without_models([SHARED_PLATFORM])


def test_a_platform_left_out_of_own_models_is_read_by_the_shared_model() -> None:
    x_accounts, x_y = _accounts("x", 60)
    reddit_accounts, reddit_y = _accounts("reddit", 60, offset=500)
    content = ContentFeatures(min_class_accounts=10, own_models=("reddit",)).fit(
        x_accounts + reddit_accounts, np.r_[x_y, reddit_y]
    )
    assert content.platforms_ == (SHARED_PLATFORM, "reddit")
    assert content.model_for("x") == SHARED_PLATFORM
