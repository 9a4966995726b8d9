"""What the paper prints as totals and shares, computed from raw values.

A table's YAML lists operations under ``derive:``. Each operation says how it treats markers:
nil ("-") counts as zero in sums; other markers are left out of sums (and the total says so);
a share or count whose inputs are unknown is itself marked unknown.
"""

from __future__ import annotations

import pandas as pd

from pipelines.tables import values
from pipelines.tables.load import IS_TOTAL, ROW_KEY, SourceTable


def _unknown(*inputs) -> str:
    """The marker of a result computed from unknown inputs: keep 'nd' if that is the reason."""
    markers = [v for v in inputs if values.is_marker(v) and v != values.NIL]
    return "nd" if "nd" in markers else "n/a"


def sum_columns(table: SourceTable, name: str, of: list[str], fallback: str | None = None, **_) -> None:
    """Row total of ``of``; where a part is unknown, the reported ``fallback`` total is used if any."""
    def total(row):
        parts = [row[c] for c in of]
        numbers = [values.as_number(p) for p in parts]
        if all(n is not None for n in numbers):
            return sum(numbers)
        if fallback and not values.is_marker(row[fallback]):
            return row[fallback]
        return _unknown(*parts)

    table.rows[name] = pd.Series([total(r) for _, r in table.rows.iterrows()], index=table.rows.index, dtype=object)
    if fallback:
        table.treatments.append(f"{name}: sum of {', '.join(of)}; where these are not available by sex, the total reported by the source ({fallback}).")


def share(table: SourceTable, name: str, numerator: str, denominator: str, **_) -> None:
    """``numerator`` as a percentage of ``denominator``."""
    def pct(row):
        n, d = values.as_number(row[numerator]), values.as_number(row[denominator])
        if n is None or d is None or d == 0:
            return _unknown(row[numerator], row[denominator])
        return 100.0 * n / d

    table.rows[name] = pd.Series([pct(r) for _, r in table.rows.iterrows()], index=table.rows.index, dtype=object)


def count_from_share(table: SourceTable, name: str, share: str, of: str, **_) -> None:
    """A count from a printed share: ``round(share × of / 100)``, half up."""
    def count(row):
        s, n = values.as_number(row[share], nil_as_zero=False), values.as_number(row[of])
        if s is None or n is None:
            return _unknown(row[share], row[of])
        return int(values.round_half_up(s * n / 100.0))

    table.rows[name] = pd.Series([count(r) for _, r in table.rows.iterrows()], index=table.rows.index, dtype=object)
    table.treatments.append(f"{name}: derived as {share} × {of} / 100, rounded; rows where {share} is unknown are left out of the total.")


def total_row(table: SourceTable, columns: list[str], label: str = "Total", group_by: str | None = None, **_) -> None:
    """Adds a total row (one per ``group_by`` value, right after its group) summing ``columns``;
    unknown values are left out, and the table's notes say so.

    A group of a single row gets no total row: it would only repeat that row.
    """
    rows = table.rows[~table.rows[IS_TOTAL]]
    groups = [(None, rows)] if group_by is None else list(rows.groupby(group_by, sort=False))
    pieces = []
    label_column = table.spec.display.get("row_label", table.spec.key)
    for group, part in groups:
        pieces.append(part)
        if len(part) < 2:
            continue
        record = {c: "" for c in table.rows.columns}
        if group_by is not None:
            record[group_by] = group
        for column in columns:
            numbers = [values.as_number(v) for v in part[column]]
            known = [n for n in numbers if n is not None]
            record[column] = sum(known) if known else _unknown(*part[column])
            left_out = part.loc[[n is None for n in numbers], ROW_KEY].tolist()
            if left_out and known:
                table.treatments.append(f"Total of {column}{'' if group is None else f' ({group})'} leaves out {', '.join(left_out)} (value not available).")
        record[label_column] = label
        record[ROW_KEY] = "total" if group_by is None else f"total:{group}"
        record[IS_TOTAL] = True
        pieces.append(pd.DataFrame([record], columns=table.rows.columns))
    table.rows = pd.concat(pieces, ignore_index=True)


def total_share(table: SourceTable, column: str, numerator: str, denominator: str, **_) -> None:
    """The share on total rows: total ``numerator`` over total ``denominator``."""
    def pct(row):
        if not row[IS_TOTAL]:
            return "na"
        n, d = values.as_number(row[numerator]), values.as_number(row[denominator])
        return _unknown(row[numerator], row[denominator]) if n is None or d in (None, 0) else 100.0 * n / d

    table.rows[column] = pd.Series([pct(r) for _, r in table.rows.iterrows()], index=table.rows.index, dtype=object)
    table.treatments.append(f"{column}: total {numerator} over total {denominator}, including rows whose breakdown is unknown in the denominator.")


def sum_group(table: SourceTable, name: str, of: str, group_by: str, label: str | None = None, **_) -> None:
    """A summary table: ``of`` summed per ``group_by`` value (e.g. attachés per country)."""
    rows = table.rows[~table.rows[IS_TOTAL]]
    summary = rows.groupby(group_by, sort=False)[of].apply(lambda s: sum(values.as_number(v) or 0 for v in s)).reset_index(name=name)
    summary[ROW_KEY] = summary[group_by].astype(str)
    table.summaries[name] = summary


def count_rows(table: SourceTable, name: str, group_by: str, **_) -> None:
    rows = table.rows[~table.rows[IS_TOTAL]]
    summary = rows.groupby(group_by, sort=False).size().reset_index(name=name)
    summary[ROW_KEY] = summary[group_by].astype(str)
    table.summaries[name] = summary


def difference(table: SourceTable, name: str, minuend: str, subtrahend: str, **_) -> None:
    def diff(row):
        a, b = values.as_number(row[minuend], False), values.as_number(row[subtrahend], False)
        return _unknown(row[minuend], row[subtrahend]) if a is None or b is None else a - b

    table.rows[name] = pd.Series([diff(r) for _, r in table.rows.iterrows()], index=table.rows.index, dtype=object)


OPERATIONS = {
    "sum_columns": sum_columns,
    "share": share,
    "count_from_share": count_from_share,
    "total_row": total_row,
    "total_share": total_share,
    "sum_group": sum_group,
    "count_rows": count_rows,
    "difference": difference,
}


def derive(table: SourceTable) -> SourceTable:
    """Apply every operation of the table's ``derive:`` list, in order."""
    for step in table.spec.derive:
        op = step.get("op")
        if op not in OPERATIONS:
            raise ValueError(f"{table.file}: unknown derive operation {op!r} (known: {', '.join(OPERATIONS)})")
        OPERATIONS[op](table, **{k: v for k, v in step.items() if k != "op"})
    return table
