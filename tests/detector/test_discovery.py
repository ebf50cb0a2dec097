"""Discovery without the sentence encoder: near-identical state posts become a candidate; what is not a new line
(catalog lines, retweets, one-off posts, posts outside the window) does not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from detector.discovery import discover, line_fingerprint
from detector.schema import Account, Post

DAY = datetime(2023, 5, 1, 9, tzinfo=UTC)
LINE = "Canada's canola restrictions are a political choice dressed up as a food-safety issue."
SINCE, UNTIL = DAY - timedelta(days=1), DAY + timedelta(days=13)


def _account(handle: str, *posts: tuple[int, str] | tuple[int, str, bool]) -> Account:
    return Account(
        handle=handle,
        posts=[
            Post(
                id=f"{handle}-{n}",
                created_at=DAY + timedelta(days=p[0]),
                text=p[1],
                is_retweet=p[2] if len(p) > 2 else False,
            )
            for n, p in enumerate(posts)
        ],
    )


def test_discovery_proposes_a_repeated_state_line_and_counts_who_asserts_it(catalog) -> None:
    state = [
        _account("EmbassyA", (0, LINE), (0, "China never interferes in other countries' internal affairs.")),
        _account(
            "EmbassyB", (1, f"{LINE} #Canola"), (1, "China never interferes in other countries' internal affairs.")
        ),
        _account("EmbassyC", (1, "Warm greetings to all friends!"), (2, f"RT @EmbassyA: {LINE}", True), (20, LINE)),
    ]
    others = [
        *(_account(f"amp{i}", (2 + i % 3, f"So true! {LINE}")) for i in range(5)),
        _account("reporter", (2, f"The embassy says {LINE.lower()}")),
    ]

    found = discover(state, others, catalog, since=SINCE, until=UNTIL)

    assert len(found) == 1, [c.phrasings for c in found]
    candidate = found[0]
    assert candidate.phrasings == {"und": LINE} and candidate.first_seen_at == DAY
    assert candidate.state_accounts == ("EmbassyA", "EmbassyB"), "a retweet and a post outside the window are not"
    assert candidate.spread == 5 and "reporter" not in candidate.spreaders
    assert candidate.fingerprint == line_fingerprint(LINE)
    assert candidate.median_delay_s is not None and candidate.median_delay_s >= 2 * 86400


def test_a_known_line_is_not_proposed_again(catalog) -> None:
    state = [_account("EmbassyA", (0, LINE)), _account("EmbassyB", (1, LINE))]
    first = discover(state, [], catalog, since=SINCE, until=UNTIL)
    assert len(first) == 1 and first[0].spread == 0
    rejected = catalog.talking_points[0].model_copy(update={"id": "rejected-1", "phrases": first[0].phrases})

    assert discover(state, [], catalog, since=SINCE, until=UNTIL, known=[rejected]) == []
