"""The source tables as files for reviewers: CSV, XLSX and a JSON metadata sidecar per table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.tables.export import write_csv, write_json, write_xlsx
from pipelines.tables.load import IS_TOTAL, ROW_KEY, SourceTable


def export_frame(table: SourceTable) -> pd.DataFrame:
    """Raw and derived values, one row per record plus the computed total rows (flagged)."""
    frame = table.rows.rename(columns={ROW_KEY: "row_key", IS_TOTAL: "is_computed_total"})
    ordered = ["row_key"] + [c for c in frame.columns if c not in ("row_key", "is_computed_total")] + ["is_computed_total"]
    frame = frame[ordered].copy()
    for column in frame.columns:
        frame[column] = frame[column].map(lambda v: round(v, 6) if isinstance(v, float) else v)
    return frame


def export_tables(tables: dict[str, SourceTable], comparison: pd.DataFrame, target: Path) -> list[Path]:
    """Write every table under ``target`` (``<id>.csv``, ``<id>.xlsx``, ``<id>.json``) and the comparison."""
    written = []
    for table in tables.values():
        frame = export_frame(table)
        metadata = table.spec.metadata_record | {"file": table.file, "computed_notes": table.treatments}
        for summary_name, summary in table.summaries.items():
            metadata.setdefault("summaries", []).append(summary_name)
            write_csv(summary.rename(columns={ROW_KEY: "row_key"}), target / f"{table.spec.id}.{summary_name}.csv")
        write_csv(frame, target / f"{table.spec.id}.csv")
        meta_rows = pd.DataFrame([{"field": k, "value": v if isinstance(v, str) else repr(v)} for k, v in metadata.items()])
        write_xlsx({"data": frame, "metadata": meta_rows}, target / f"{table.spec.id}.xlsx")
        write_json(metadata, target / f"{table.spec.id}.json")
        written += [target / f"{table.spec.id}.{ext}" for ext in ("csv", "xlsx", "json")]
    write_csv(comparison, target / "printed_vs_computed.csv")
    written.append(target / "printed_vs_computed.csv")
    return written
