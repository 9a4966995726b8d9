"""Cell values of source tables: numbers, or one of the markers that say why there is no number.

Missing values stay distinct. A marker is never turned into zero or NaN silently; each operation
states how it treats them (see :mod:`pipelines.tables.derive`).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from pipelines.formatting import MARKER_DISPLAY  # how the report prints each marker

MARKERS = {
    "n/a": "data not available",
    "-": "nil",
    "nd": "not disaggregated by sex",
    "na": "not applicable",
}
NIL = "-"
# The only way a number is written in a table CSV: ASCII digits, an optional leading minus sign and an
# optional decimal point followed by digits (1234, -12, 39.6). No grouping (1,000, 1 000, 84_666),
# no plus sign, exponent, inf/nan, or digits of other scripts (٨٤ ๘๔): those are errors, not numbers.
NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
# The flag that exports carry beside a missing number (a word, so no spreadsheet reads it as a formula).
MARKER_STATUS = {"n/a": "not_available", "-": "nil", "nd": "not_disaggregated", "na": "not_applicable"}

Value = float | int | str  # a number, or a marker


def is_marker(value: object) -> bool:
    return isinstance(value, str)


def parse(text: str, numeric_type: str) -> Value:
    """A CSV cell of a numeric column: a number, or a marker (anything else is an error)."""
    text = text.strip()
    if text in MARKERS:
        return text
    if text == "":
        raise ValueError("empty cell (write one of the markers n/a, -, nd, na)")
    if not NUMBER.fullmatch(text):
        raise ValueError("not a number: write ASCII digits 0-9 only, with an optional minus sign and decimal point (e.g. 1234, -12, 39.6), without grouping, or one of the markers n/a, -, nd, na")
    if numeric_type == "int":
        if "." in text and not float(text).is_integer():
            raise ValueError("not a whole number")
        return int(float(text)) if "." in text else int(text)
    return float(text)


def as_number(value: Value, nil_as_zero: bool = True) -> float | None:
    """The value as a number for arithmetic: nil counts as zero, other markers as unknown (None)."""
    if isinstance(value, str):
        return 0 if (value == NIL and nil_as_zero) else None
    return value


def round_half_up(value: float, decimals: int = 0) -> float:
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(str(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def display(value: Value, decimals: int = 0) -> str:
    """A value in the paper's number style, markers as the paper prints them."""
    from pipelines.formatting import number

    if isinstance(value, str):
        return MARKER_DISPLAY.get(value, value)
    return number(round_half_up(value, decimals), decimals)
