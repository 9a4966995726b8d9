"""Cell values of source tables: numbers, or one of the markers that say why there is no number.

Missing values stay distinct. A marker is never turned into zero or NaN silently; each operation
states how it treats them (see :mod:`pipelines.tables.derive`).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from pipelines.formatting import MARKER_DISPLAY  # how the report prints each marker

MARKERS = {
    "n/a": "data not available",
    "-": "nil",
    "nd": "not disaggregated by sex",
    "na": "not applicable",
}
NIL = "-"
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
    number = float(text)
    if math.isnan(number) or math.isinf(number):
        raise ValueError(f"{text!r} is not a number")
    if numeric_type == "int":
        if not number.is_integer():
            raise ValueError(f"{text!r} is not a whole number")
        return int(number)
    return number


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
