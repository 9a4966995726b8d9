"""Printed versus computed: every total and share the paper printed, set against what we compute.

A disagreement is never "fixed" in either direction: it is listed, with table, row, column, the
printed value and the computed one, in the build's data-quality note and in the report.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.sourcefiles import read_csv_strings
from pipelines.tables import values
from pipelines.tables.load import SourceTable

COLUMNS = ["table_id", "row", "column", "printed", "computed", "difference", "status"]
# The same comparison as numbers, for the exports (the columns above are as the paper prints them).
NUMERIC_COLUMNS = ["printed_value", "computed_value", "difference_value"]


def _decimals(printed: str) -> int:
    return len(printed.split(".")[1]) if "." in printed else 0


def compare_published(tables: dict[str, SourceTable], published_csv: Path) -> pd.DataFrame:
    """One row per printed value: status ``agrees``, ``differs``, ``not computable`` or ``unknown cell``."""
    if not published_csv.exists():
        return pd.DataFrame(columns=COLUMNS)
    printed = read_csv_strings(published_csv)
    records = []
    for item in printed.itertuples(index=False):
        record = {"table_id": item.table_id, "row": item.row, "column": item.column, "printed": item.value_as_printed}
        table = tables.get(item.table_id)
        try:
            if table is None:
                raise KeyError(item.table_id)
            computed = table.value(item.row, item.column)
        except KeyError:
            records.append(record | {"computed": "", "difference": "", "status": "unknown cell", "printed_value": _number(item.value)})
            continue
        decimals = _decimals(item.value or "0")
        record["computed"] = values.display(computed, decimals)
        record["printed_value"] = _number(item.value)
        record["computed_value"] = None if values.is_marker(computed) else values.round_half_up(float(computed), decimals)
        if item.value == "" or values.is_marker(computed):
            same = values.is_marker(computed) and item.value == ""
            record |= {"difference": "", "status": "agrees" if same else "not computable"}
        else:
            delta = values.round_half_up(float(computed), decimals) - float(item.value)
            record |= {"difference": values.display(delta, decimals), "difference_value": values.round_half_up(delta, decimals), "status": "agrees" if abs(delta) < 10 ** -(decimals + 3) else "differs"}
        records.append(record)
    return pd.DataFrame(records, columns=COLUMNS + NUMERIC_COLUMNS)


def _number(text: str) -> float | None:
    return float(text) if text not in ("", None) else None
