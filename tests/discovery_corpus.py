"""A new line planted in the demo corpus: state accounts say it on day 1 in English and Chinese, 30 amplifiers
repeat it from day 3, and journalists report it (which is not spread). Shared by the discovery specs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from detector.discovery import Candidate
from detector.schema import Account, Post

DAY_1 = datetime(2023, 5, 1, 9, 0, tzinfo=UTC)
SINCE = DAY_1 - timedelta(days=1)
UNTIL = DAY_1 + timedelta(days=13)
LINE_EN = "The civilian airship drifted off course because of the weather; shooting it down was a gross overreaction."
LINE_ZH = "民用飞艇因天气原因偏离航线，美方将其击落是严重的过度反应。"
_EN_ECHOES = (
    "{line}",
    "{line} #China",
    "Exactly. {line}",
    "{line} 🇨🇳🇨🇳",
    "The civilian airship drifted off course because of the weather. Shooting it down was a gross overreaction!",
)
_ZH_ECHOES = ("{line}", "{line} #中国", "说得好！{line}")
N_AMPLIFIERS = 30


def _post(account: Account, n: int, at: datetime, text: str, lang: str) -> Post:
    return Post(id=f"plant-{account.handle}-{n}", created_at=at, text=text, lang=lang)


def _with(account: Account, *posts: Post) -> Account:
    return account.model_copy(update={"posts": [*account.posts, *posts]})


def plant_line(
    accounts: Sequence[Account], state: Sequence[str], amplifiers: Sequence[str], journalists: Sequence[str]
) -> list[Account]:
    """The accounts with the planted posts added: two state accounts in English and one in Chinese on day 1, the
    first ``N_AMPLIFIERS`` amplifiers from day 3 (a third in Chinese), three journalists reporting it."""
    by_handle = {a.handle: a for a in accounts}
    planted: dict[str, Account] = {}
    for n, (handle, text, lang) in enumerate(
        [(state[0], LINE_EN, "en"), (state[1], LINE_EN + " #Truth", "en"), (state[2], LINE_ZH, "zh")]
    ):
        account = by_handle[handle]
        planted[handle] = _with(account, _post(account, n, DAY_1 + timedelta(hours=n), text, lang))
    for n, handle in enumerate(amplifiers[:N_AMPLIFIERS]):
        account = by_handle[handle]
        at = DAY_1 + timedelta(days=2, hours=5 * n)
        chinese = n % 3 == 2
        echo = (_ZH_ECHOES if chinese else _EN_ECHOES)[n % (3 if chinese else 5)]
        text = echo.format(line=LINE_ZH if chinese else LINE_EN)
        planted[handle] = _with(account, _post(account, 0, at, text, "zh" if chinese else "en"))
    for n, handle in enumerate(journalists[:3]):
        account = by_handle[handle]
        text = f"The embassy says the civilian airship drifted off course because of the weather. ({n})"
        planted[handle] = _with(account, _post(account, 0, DAY_1 + timedelta(days=2), text, "en"))
    return [planted.get(a.handle, a) for a in accounts]


def stored_line_candidate(fingerprint: str, wording: str, *, spread: int = 3) -> Candidate:
    """A discovered line as ``save_candidates`` stores it: one English wording, first said by ``state_outlet``."""
    return Candidate(
        fingerprint=fingerprint,
        phrasings={"en": wording},
        phrases={"en": (wording,)},
        state_accounts=("state_outlet",),
        post_ids=("p1",),
        first_seen_at=datetime(2023, 5, 1, tzinfo=UTC),
        spread=spread,
        spreaders=tuple("abcdefghijklmnopqrstuvwxyz"[:spread]),
        median_delay_s=3600.0,
    )
