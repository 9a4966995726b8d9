"""How the paper writes numbers: a space between thousands, one decimal for percentages.

Every template calls these through filters, so the style is decided in one place.
"""

from __future__ import annotations

import math

THIN_SPACE = "\u00a0"  # no-break space: a number never breaks across lines
MISSING_TEXT = {"n/a": "n/a", "-": "–", "nd": "n/d", "na": "..", "": ""}


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str) and value in MISSING_TEXT)


def number(value: object, decimals: int = 0) -> str:
    """``1430842`` -> ``1 430 842``; missing markers are printed as the paper prints them."""
    if isinstance(value, str):
        if value in MISSING_TEXT:
            return MISSING_TEXT[value]
        value = float(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING_TEXT["n/a"]
    text = f"{value:,.{decimals}f}"
    return text.replace(",", THIN_SPACE)


def percent(value: object, decimals: int = 1) -> str:
    """A share already expressed in per cent, with one decimal by default."""
    return number(value, decimals)


def share(numerator: float, denominator: float, decimals: int = 1) -> str:
    """``numerator`` as a percentage of ``denominator``, or n/a when the denominator is zero."""
    if not denominator:
        return MISSING_TEXT["n/a"]
    return number(100.0 * numerator / denominator, decimals)


def count_noun(count: int, singular: str, plural: str | None = None) -> str:
    """``1 recommendation`` / ``17 recommendations``."""
    word = singular if count == 1 else (plural or singular + "s")
    return f"{number(count)} {word}"


def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
