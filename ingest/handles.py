"""What a handle is, on every door: a platform-neutral name, checked before any lookup and before any import.

The service refuses what this module refuses (a request's handles, a job's list or CSV), and ``AccountStore``
imports no row whose handle it refuses, so nothing is stored that the API would then not take.

A handle is what names an account in the local store, on any platform: X's ``some_user``, Reddit's ``-Whiskey_Tango``
or ``Some.User_99``, Bluesky's ``name.bsky.social``, Mastodon's ``user@instance.social``. So the check here refuses
only what no platform's name holds and what would be unsafe to carry around (in a URL path, a CSV, a log line):

- surrounding whitespace and one leading ``@`` are dropped; what is left must have 1 to ``MAX_HANDLE_CHARS`` (64)
  characters, the width of the handle columns of stored scores, job items and feedback;
- no whitespace, control or invisible formatting characters (Unicode categories Z and C: a handle that looks like
  another one is a spoofing trap);
- no ``/`` or ``\\`` and not only dots, so a handle is always one path segment (``/v1/accounts/{handle}``).

A handle may name its platform (``bsky:alice.bsky.social``, ``t.me/channel``; ``ingest.platform_handles``): the
rules apply to the name, and a handle is kept in its canonical spelling. Case is kept (stores compare handles
case-insensitively). Platform syntax is not checked here: X's rule (1-15 letters, digits or _) applies only where
a handle is sent to the X API (``ingest.x_api.is_x_handle``), and a handle
that is in neither the store nor X's syntax gets a per-handle "not in the local store" outcome from the resolver.
"""

from __future__ import annotations

import unicodedata

from ingest.platform_handles import parse_handle

__all__ = ["HANDLE_RULE", "MAX_HANDLE_CHARS", "handle_problem", "handle_refusal", "normalize_handle"]

MAX_HANDLE_CHARS = 64
HANDLE_RULE = f"1-{MAX_HANDLE_CHARS} characters without whitespace, control characters or slashes, optional leading @"


def _clean(raw: str) -> str:
    """The canonical spelling (``ingest.platform_handles``): ``t.me/c`` is ``telegram:c``, ``x:foo`` is ``foo``."""
    return parse_handle(raw).canonical


def handle_problem(raw: str) -> str | None:
    """Why ``raw`` is not a handle (``"it contains whitespace"``), or ``None`` when it is one.

    A platform prefix or URL (``bsky:``, ``t.me/``, ``reddit:u/``) is read first; the rules apply to the name."""
    parsed = parse_handle(raw)
    if not parsed.name:
        return "it is empty"
    if parsed.problem is not None:
        return parsed.problem
    handle = parsed.canonical
    if not handle:
        return "it is empty"
    if len(handle) > MAX_HANDLE_CHARS:
        return f"it has {len(handle)} characters, more than {MAX_HANDLE_CHARS}"
    for char in handle:
        category = unicodedata.category(char)
        if char.isspace() or category.startswith("Z"):
            return "it contains whitespace"
        if category.startswith("C"):
            return f"it contains the control or invisible character U+{ord(char):04X}"
    if "/" in handle or "\\" in handle:
        return "it contains a slash"
    if not handle.strip("."):
        return "it is only dots"
    return None


def normalize_handle(raw: str) -> str | None:
    """Return the handle without surrounding whitespace and its leading @, or ``None`` when it is not a handle."""
    return None if handle_problem(raw) is not None else _clean(raw)


def handle_refusal(raw: str) -> str | None:
    """``"'foo bar' is not a handle: it contains whitespace"``, or ``None`` when ``raw`` is a handle: the one wording
    of every door (an API problem, a CLI error, a skipped import row)."""
    problem = handle_problem(raw)
    return None if problem is None else f"{raw!r} is not a handle: {problem}"
