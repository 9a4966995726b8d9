"""How the paper writes numbers: a space between thousands, one decimal for percentages.

Every template calls these through filters, so the style is decided in one place.
"""

from __future__ import annotations

import math

NO_BREAK_SPACE = "\u00a0"  # between thousands: a number never breaks across lines
# How the paper prints the missing-value markers of the sources (legend: pipelines.tables.values.MARKERS).
MARKER_DISPLAY = {"n/a": "n/a", "-": "–", "nd": "n.d.", "na": ".."}


def number(value: object, decimals: int = 0) -> str:
    """``1430842`` -> ``1 430 842``; missing markers are printed as the paper prints them."""
    if isinstance(value, str):
        if value in MARKER_DISPLAY or value == "":
            return MARKER_DISPLAY.get(value, "")
        value = float(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MARKER_DISPLAY["n/a"]
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NO_BREAK_SPACE)


def percent(value: object, decimals: int = 1) -> str:
    """A share already expressed in per cent, with one decimal by default."""
    return number(value, decimals)


def count_noun(count: int, singular: str, plural: str | None = None) -> str:
    """``1 recommendation`` / ``17 recommendations`` (narrative filter: ``{{ n|count_noun("recommendation") }}``)."""
    word = singular if count == 1 else (plural or singular + "s")
    return f"{number(count)} {word}"


def join_words(items: list[str]) -> str:
    """``["A", "B", "C"]`` -> ``"A, B and C"``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
