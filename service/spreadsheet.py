"""CSV cells that a spreadsheet opens safely: the service's CSV exports hold text that users and accounts wrote."""

from __future__ import annotations

__all__ = ["spreadsheet_safe"]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: object) -> object:
    """Text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) gets a leading quote.

    Error details quote X's own words, handles come from users and post texts from anyone: OWASP's CSV-injection
    advice, applied to text only (numbers stay numbers).
    """
    if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS):
        return "'" + cell
    return cell
