"""A source table laid out for the paper, as its YAML ``display:`` block says.

Layouts: ``rows`` (one row per record), ``transposed`` (records as columns, as Tables 1 and 2 are
printed), ``grouped_list`` (one row per group with a list of items, e.g. attachés' postings) and
``pivot`` (a matrix, e.g. instruments × Member States).
"""

from __future__ import annotations

import pandas as pd

from pipelines.report.document import Cell, Figure, Table
from pipelines.tables import values
from pipelines.tables.load import IS_TOTAL, ROW_KEY, SourceTable
from pipelines.tables.spec import DISPLAY_LAYOUTS


def _fmt(table: SourceTable, column: str, value) -> Cell:
    spec = table.spec.display
    decimals = spec.get("decimals", {}).get(column, 0)
    numeric = not isinstance(value, str) or value in values.MARKERS
    if column in {c.name for c in table.spec.columns if not c.numeric} and isinstance(value, str):
        return Cell(value)
    return Cell(values.display(value, decimals), numeric=numeric)


def _used_markers(table: SourceTable, frame: pd.DataFrame, columns: list[str]) -> list[str]:
    numeric = {c.name for c in table.spec.columns if c.numeric} | {d.get("name", d.get("column")) for d in table.spec.derive}
    used = set()
    for column in columns:
        if column in numeric and column in frame.columns:
            used |= {v for v in frame[column] if isinstance(v, str) and v in values.MARKERS}
    return sorted(used)


def _legend(table: SourceTable, markers: list[str]) -> str:
    parts = []
    for marker in markers:
        meaning = values.MARKERS[marker]
        parts.append(f"{values.MARKER_DISPLAY[marker]} = {meaning}")
    return "; ".join(parts) + ("." if parts else "")


def _headers(table: SourceTable, columns: list[str]) -> list[str]:
    headers = table.spec.display.get("headers", {})
    return [headers.get(c, c) for c in columns]


def _rows_layout(table: SourceTable) -> Table:
    spec = table.spec.display
    label = spec.get("row_label", table.spec.key)
    columns = spec["columns"]
    frame = table.rows
    group_by = spec.get("group_by")
    rows, totals, groups = [], set(), set()
    last_group = object()
    merge = spec.get("merge_repeated")
    previous_label = None
    for record in frame.to_dict("records"):
        if group_by and record[group_by] != last_group and not record[IS_TOTAL]:
            last_group = record[group_by]
            groups.add(len(rows))
            rows.append([Cell(spec.get("group_labels", {}).get(last_group, str(last_group)), header=True, colspan=len(columns) + 1)])
        if record[IS_TOTAL]:
            totals.add(len(rows))
        shown_label = record[label]
        if merge and shown_label == previous_label and not record[IS_TOTAL]:
            shown_label = ""
        previous_label = record[label]
        on_total = spec.get("total_columns", {}) if record[IS_TOTAL] else {}
        rows.append([Cell(str(shown_label), header=True)] + [_fmt(table, c, record[on_total.get(c, c)]) for c in columns])
    numeric = {i + 1 for i, c in enumerate(columns) if _is_numeric(table, c)}
    return _table(table, [spec.get("row_header", "")] + _headers(table, columns), rows, numeric, totals, groups, _used_markers(table, frame, columns))


def _is_numeric(table: SourceTable, column: str) -> bool:
    declared = {c.name: c.numeric for c in table.spec.columns}
    return declared.get(column, True)


def _transposed_layout(table: SourceTable) -> Table:
    spec = table.spec.display
    label = spec.get("row_label", table.spec.key)
    measures = spec["columns"]
    frame = table.rows
    columns = [spec.get("row_header", "")] + [str(v) for v in frame[label]]
    rows = []
    for measure in measures:
        rows.append([Cell(_headers(table, [measure])[0], header=True)] + [_fmt(table, measure, v) for v in frame[measure]])
    numeric = set(range(1, len(columns)))
    totals = {i for i, m in enumerate(measures) if m in spec.get("total_measures", [])}
    return _table(table, columns, rows, numeric, totals, set(), _used_markers(table, frame, measures))


def _grouped_list_layout(table: SourceTable) -> Table:
    spec = table.spec.display
    group_by, label = spec["group_by"], spec.get("row_label", spec["group_by"])
    item = spec["item"]
    counts = table.summaries.get(spec.get("count", ""), None)
    rows = []
    for key, part in table.rows[~table.rows[IS_TOTAL]].groupby(group_by, sort=False):
        row = [Cell(str(part.iloc[0][label]), header=True)]
        if counts is not None:
            count = counts.loc[counts[group_by] == key].iloc[0][spec["count"]]
            row.append(Cell(values.display(count), numeric=True))
        items = list(dict.fromkeys(part[item]))
        row.append(Cell("; ".join(items)))
        rows.append(row)
    headers = [spec.get("row_header", "")] + ([spec["headers"].get(spec["count"], spec["count"])] if counts is not None else []) + [spec["headers"].get(item, item)]
    if counts is not None:
        total_row = [Cell("Total", header=True), Cell(values.display(counts[spec["count"]].sum()), numeric=True), Cell("")]
        rows.append(total_row)
    return _table(table, headers, rows, {1} if counts is not None else set(), {len(rows) - 1} if counts is not None else set(), set(), [])


def _pivot_layout(table: SourceTable) -> Table:
    spec = table.spec.display
    index, columns_by, value = spec["index"], spec["columns_by"], spec["value"]
    frame = table.rows
    column_labels = list(dict.fromkeys(frame[spec.get("column_label", columns_by)]))
    column_keys = list(dict.fromkeys(frame[columns_by]))
    rows = []
    for key, part in frame.groupby(index, sort=False):
        shown = part.apply(ratification_cell, axis=1) if value == "ratification" else part[value]
        cells = dict(zip(part[columns_by], shown))
        rows.append([Cell(str(key), header=True)] + [Cell(cells.get(c, ""), numeric=True) for c in column_keys])
    shown = _table(table, [spec.get("row_header", "")] + column_labels, rows, set(range(1, len(column_keys) + 1)), set(), set(), [])
    if spec.get("index_key"):  # the key to the row codes: "C.19: ILO Equality of Treatment ... Convention"
        names = dict(zip(frame[index], frame[spec["index_key"]]))
        shown.notes.insert(0, "; ".join(f"{code}: {name}" for code, name in names.items()) + ".")
    return shown


QUALIFIERS = {"acceded": " (a)", "signed": " (s)", "denounced": " (d)", "ratified": ""}


def ratification_cell(record) -> str:
    """How a ratification matrix prints a status: the year with its qualifier, or a dash."""
    if record["status"] == "not_ratified":
        return "–"
    return f"{record['year']}{QUALIFIERS[record['status']]}{'*' if str(record['sabah_only']).lower() == 'true' else ''}"


LAYOUTS = {"rows": _rows_layout, "transposed": _transposed_layout, "grouped_list": _grouped_list_layout, "pivot": _pivot_layout}
assert tuple(LAYOUTS) == DISPLAY_LAYOUTS, "tables.spec.DISPLAY_LAYOUTS names the layouts declared here"


def declared_number(table: SourceTable) -> str:
    """The number the source gave the table or figure ("4"), which the paper and the exports keep;
    "" when it has none (or an appendix number, which the paper's appendix numbering gives)."""
    number = str(table.spec.number or "")
    return number if number.isdigit() else ""


def _table(table: SourceTable, columns, rows, numeric, totals, groups, markers) -> Table:
    spec = table.spec
    notes = list(spec.display.get("notes", []))
    legend = " ".join(filter(None, [_legend(table, markers), spec.display.get("legend", "")]))
    return Table(
        key=spec.id,
        caption=spec.display.get("caption", spec.title),
        columns=columns,
        rows=rows,
        numeric_columns=numeric,
        total_rows=totals,
        group_rows=groups,
        notes=notes,
        legend=legend,
        source=spec.source,
        number=declared_number(table),
        nowrap_columns={i for i, c in enumerate(columns) if c in {_headers(table, [n])[0] for n in spec.display.get("nowrap", [])}},
        css_class=f"source-table layout-{spec.display.get('layout', 'rows')} {spec.display.get('css_class', '')}".strip(),
    )


def _printed_number(text: str) -> float | int | None:
    """A value as the source printed it ("284 640", "69.9"), as a number; None for text such as "n/a"."""
    try:
        number = float(text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ""))
    except ValueError:
        return None
    return int(number) if "." not in text and number.is_integer() else number


def _column_label(display: dict, column: str) -> str:
    """A shown column's header for a note; a header used twice (e.g. two "Women (%)") is told apart
    by the column before it ("individuals reached, women (%)")."""
    headers, columns = display.get("headers", {}), list(display.get("columns", []))
    label = headers.get(column) or column.replace("_pct_total", " (%) of the total").replace("_pct", " (%)").replace("_", " ")
    if column in columns and [headers.get(c, c) for c in columns].count(label) > 1 and columns.index(column) > 0:
        label = f"{headers.get(columns[columns.index(column) - 1], '')}, {label}"
    return label.lower()


def printed_labels(table: SourceTable, row: str, column: str) -> tuple[str, str]:
    """How the paper names a row and a column of a source table (its row label and its column header
    as printed), for a value identified by its row key and column name."""
    display = table.spec.display
    label_column = display.get("row_label", table.spec.key)
    shown_as = {derived: shown for shown, derived in display.get("total_columns", {}).items()}
    labels = table.rows.loc[table.rows[ROW_KEY] == row, label_column] if label_column in table.rows.columns else pd.Series(dtype=object)
    group, _, part = row.partition(":")
    if not labels.empty:
        row_label = str(labels.iloc[0])
    elif group == "total":
        named = display.get("group_labels", {}).get(part, "")
        row_label = f"Total ({named})" if named else "Total"
    else:
        row_label = row.replace("_", " ")
    return row_label, _column_label(display, shown_as.get(column, column))


def in_words(text: str, table: SourceTable) -> str:
    """A note about a source table with its codes in the reader's words: a column by its printed header
    (lower case), a block by its label, a Member State by its name, any other code without underscores."""
    import re

    from pipelines.shared.region import ASEAN_MEMBER_STATES

    display = table.spec.display
    names = {c.name: _column_label(display, c.name) for c in table.spec.columns}
    names |= {key: str(label) for key, label in display.get("group_labels", {}).items()}

    def word(match: re.Match) -> str:
        code = match.group(0)
        if code.isupper():
            return ASEAN_MEMBER_STATES.get(code, code)
        return names.get(code) or _column_label(display, code)

    return re.sub(r"\b(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[A-Z]{3})\b", word, text)


def keep_printed(table: SourceTable, comparison: pd.DataFrame) -> SourceTable:
    """The table as its source printed it: where a printed total, share or count disagrees with what
    the raw values give, the printed value is shown and a note gives the computed one (the
    data-quality appendix lists it too). Agreeing values need no change."""
    import dataclasses

    differs = comparison[(comparison["table_id"] == table.spec.id) & (comparison["status"] == "differs")] if not comparison.empty else comparison
    if differs.empty:
        return table
    frames = {"rows": table.rows.copy()} | {name: frame.copy() for name, frame in table.summaries.items()}
    display = table.spec.display
    notes = []
    for item in differs.itertuples(index=False):
        printed = _printed_number(item.printed)
        for frame in frames.values():
            if item.column in frame.columns and (frame[ROW_KEY] == item.row).any() and printed is not None:
                where = frame[ROW_KEY] == item.row
                frame[item.column] = frame[item.column].astype(object)
                frame.loc[where, item.column] = printed
                row_label, column_label = printed_labels(table, item.row, item.column)
                notes.append(f"{row_label}, {column_label}: as printed in the source; the values it is made of give {item.computed} (see the data-quality appendix).")
                break
    rows = frames.pop("rows")
    spec = dataclasses.replace(table.spec, display=display | {"notes": list(display.get("notes", [])) + notes})
    return dataclasses.replace(table, spec=spec, rows=rows, summaries=frames)


def present_figure(table: SourceTable) -> Figure:
    """A source table drawn as a chart, as its YAML ``display.figure`` block says: ``chart: bars``,
    ``label`` and ``value`` columns, ``title`` (inside the chart), ``caption``, ``data_caption``,
    ``headers`` of the data table, ``alt`` (``{labels}`` lists the bars) and the value ``format``."""
    from markupsafe import Markup

    from pipelines import formatting
    from pipelines.report import charts

    spec = table.spec.display.get("figure") or {}
    missing = [k for k in ("label", "value", "caption") if k not in spec]
    if missing or spec.get("chart", "bars") != "bars":
        raise ValueError(f"{table.file}: display.figure needs label, value and caption, and chart: bars (missing: {', '.join(missing) or 'none'})")
    rows = table.rows[~table.rows[IS_TOTAL]]
    labels = list(rows[spec["label"]])
    numbers = [float(v) if not isinstance(v, str) else 0.0 for v in rows[spec["value"]]]
    svg = charts.horizontal_bars(labels, numbers, spec.get("title", spec["caption"]), annotate_format=spec.get("format", "{:.1f}"))
    headers = spec.get("headers", [spec["label"], spec["value"]])
    data = Table(key=f"{table.spec.id}-data", caption=spec.get("data_caption", spec["caption"]), columns=list(headers), rows=[[Cell(c, header=True), Cell(formatting.number(v), numeric=True)] for c, v in zip(labels, numbers)], numeric_columns={1})
    return Figure(
        number=declared_number(table),
        key=table.spec.id,
        caption=spec["caption"],
        svg=Markup(svg),
        alt=str(spec.get("alt", spec["caption"])).replace("{labels}", formatting.join_words(labels)),
        source=table.spec.source,
        notes=list(table.spec.display.get("notes", [])),
        data=data,
    )


def present(table: SourceTable) -> Table:
    """The document table for a source table."""
    layout = table.spec.display.get("layout")
    if layout not in LAYOUTS:
        raise ValueError(f"{table.file}: display.layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    return LAYOUTS[layout](table)
