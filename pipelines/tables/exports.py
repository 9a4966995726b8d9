"""The source tables as files for reviewers: CSV, XLSX and a JSON metadata sidecar per table.

In the CSV and the workbook, numbers and missing-value markers sit in separate columns (a value and a
``<column>_status`` flag), derived shares are stored at the precision their declaration states, and the
workbook carries the table's title, source, unit, period, notes and marker meanings as text.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.tables.compare import COLUMNS as COMPARISON_COLUMNS, NUMERIC_COLUMNS as COMPARISON_NUMBERS
from pipelines.tables.export import SheetTable, Workbook, as_text, split_markers, whole_as_int, write_csv, write_json, write_workbook
from pipelines.tables.load import IS_TOTAL, ROW_KEY, SourceTable
from pipelines.tables.values import MARKER_STATUS, MARKERS

COMPUTED_TOTAL = "is_computed_total"


def column_decimals(table: SourceTable) -> dict[str, int]:
    """The precision each numeric column is stated at: derived columns by their ``decimals``, display
    decimals next, whole numbers for counts."""
    decimals = {c.name: 0 for c in table.spec.columns if c.type == "int"}
    for step in table.spec.derive:
        if "name" in step and "decimals" in step:
            decimals[step["name"]] = int(step["decimals"])
    for name, places in (table.spec.display.get("decimals") or {}).items():
        decimals.setdefault(name, int(places))
    return decimals


def numeric_columns(table: SourceTable, frame: pd.DataFrame) -> list[str]:
    declared = {c.name for c in table.spec.columns if c.numeric}
    derived = {step["name"] for step in table.spec.derive if "name" in step}
    return [c for c in frame.columns if c in declared or c in derived]


def export_frame(table: SourceTable, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Raw and derived values, one row per record plus the computed total rows (flagged); numbers and
    markers in separate columns."""
    frame = (table.rows if frame is None else frame).rename(columns={ROW_KEY: "row_key", IS_TOTAL: COMPUTED_TOTAL})
    ordered = ["row_key"] + [c for c in frame.columns if c not in ("row_key", COMPUTED_TOTAL)] + ([COMPUTED_TOTAL] if COMPUTED_TOTAL in frame.columns else [])
    frame = frame[ordered].copy()
    return split_markers(frame, numeric_columns(table, frame), column_decimals(table)).reset_index(drop=True)


def column_descriptions(table: SourceTable) -> dict[str, dict]:
    """Per export column: a title, a description and a unit (for the data package)."""
    described: dict[str, dict] = {
        "row_key": {"title": "Row", "description": "The row's key (a country code, or total / total:<group> for computed totals)."},
        COMPUTED_TOTAL: {"title": "Computed total", "description": "true for total rows that the pipeline computed from the rows above."},
    }
    for column in table.spec.columns:
        described[column.name] = {"title": column.label, "description": column.label, "unit": column.unit or ""}
    for step in table.spec.derive:
        if "name" in step:
            described[step["name"]] = {"title": str(step.get("label", step["name"])), "description": f"Computed ({step.get('op', '')}).", "unit": ""}
    markers = "; ".join(f"{MARKER_STATUS.get(code, code)} = {meaning}" for code, meaning in (table.spec.missing_markers or MARKERS).items())
    for name in list(described):
        described[f"{name}_status"] = {"title": f"{described[name]['title']}: status", "description": f"Why the value is missing ({markers}); empty where there is a value."}
    return described


def table_workbook(table: SourceTable, frame: pd.DataFrame, summaries: dict[str, pd.DataFrame]) -> Workbook:
    spec = table.spec
    label = f"{'Figure' if spec.kind == 'figure' else 'Table'} {spec.number}".strip() if spec.number else spec.title
    cover = [
        ("Title", spec.title),
        ("Unit", spec.unit),
        ("Reference period", spec.reference_period),
        ("Source", spec.source),
        ("Where the paper shows it", label),
        ("Missing values", "Where a number is missing, the column ending in _status says why:\n" + "\n".join(f"{MARKER_STATUS.get(code, code)}: {meaning}" for code, meaning in (spec.missing_markers or MARKERS).items())),
        ("How the columns were computed", as_text(table.treatments) or "No computed columns."),
    ]
    notes = [(f"Note {i}", text) for i, text in enumerate([*spec.footnotes, *spec.notes], start=1)]
    note_ids = [n for n, _ in notes]
    sheets = [SheetTable("Data", spec.title, frame, "The values of the table, one row per record", note_ids)]
    sheets += [SheetTable(name[:31], f"{spec.title}: {name}", summary, f"Summary '{name}' computed from the data", note_ids) for name, summary in summaries.items()]
    return Workbook(spec.title, cover, sheets, notes)


def export_tables(tables: dict[str, SourceTable], comparison: pd.DataFrame, target: Path) -> list[Path]:
    """Write every table under ``target`` (``<id>.csv``, ``<id>.xlsx``, ``<id>.json``) and the comparison."""
    written = []
    for table in tables.values():
        frame = export_frame(table)
        metadata = table.spec.metadata_record | {"file": table.file, "computed_notes": table.treatments}
        summaries = {}
        for summary_name, summary in table.summaries.items():
            metadata.setdefault("summaries", []).append(summary_name)
            summaries[summary_name] = export_frame(table, summary)
            write_csv(summaries[summary_name], target / f"{table.spec.id}.{summary_name}.csv")
            written.append(target / f"{table.spec.id}.{summary_name}.csv")
        write_csv(frame, target / f"{table.spec.id}.csv")
        write_workbook(table_workbook(table, frame, summaries), target / f"{table.spec.id}.xlsx")
        write_json(metadata, target / f"{table.spec.id}.json")
        written += [target / f"{table.spec.id}.{ext}" for ext in ("csv", "xlsx", "json")]
    write_csv(comparison_export(comparison), target / "printed_vs_computed.csv")
    written.append(target / "printed_vs_computed.csv")
    return written


def comparison_export(comparison: pd.DataFrame) -> pd.DataFrame:
    """The printed-versus-computed comparison with numbers as numbers (the paper's spelling is the report's)."""
    frame = comparison.reindex(columns=[*COMPARISON_COLUMNS, *COMPARISON_NUMBERS])
    frame = frame[["table_id", "row", "column", *COMPARISON_NUMBERS, "status"]].rename(
        columns={"printed_value": "printed", "computed_value": "computed", "difference_value": "difference"}
    )
    for column in ("printed", "computed", "difference"):
        frame[column] = pd.Series([None if v is None or v != v else whole_as_int(float(v)) for v in frame[column]], dtype=object)
    return frame
