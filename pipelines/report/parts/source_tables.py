"""Where the source tables go in the paper (their ``placement:``), and the data-quality notes about them."""

from __future__ import annotations

import pandas as pd

from pipelines.report.assemble import NarrativeSlot
from pipelines.report.document import Cell, Table
from pipelines.tables.load import SourceTable
from pipelines.report.present import in_words, keep_printed, present, present_figure, printed_labels


def place_tables(tables: dict[str, SourceTable], slots, comparison: pd.DataFrame | None = None) -> None:
    """Every source table with a ``placement:`` into its slot: as a table, or as a chart when its
    YAML declares ``display.figure``; showing the values their source printed (``comparison``:
    printed versus computed)."""
    for table in sorted(tables.values(), key=lambda t: t.spec.id):
        if not table.spec.placement:
            continue
        shown = keep_printed(table, comparison) if comparison is not None else table
        block = present_figure(shown) if table.spec.display.get("figure") else present(shown)
        slots.put(table.spec.placement, block, table.spec.file or table.file, table.spec.lines.get("placement"))


def comparison_table(comparison: pd.DataFrame, tables: dict[str, SourceTable]) -> Table:
    """The printed values that differ from the computed ones, for the data-quality appendix."""
    differs = comparison[comparison["status"] != "agrees"]
    rows = []
    for r in differs.itertuples(index=False):
        table = tables.get(r.table_id)
        row, column = printed_labels(table, r.row, r.column) if table is not None else (r.row, r.column)
        title = table.spec.title if table is not None else r.table_id
        rows.append([Cell(title, header=True), Cell(row), Cell(column), Cell(r.printed, numeric=True), Cell(r.computed, numeric=True), Cell(r.status)])
    return Table(
        key="printed-vs-computed",
        caption="Values printed in the source that differ from the values computed from its raw data",
        columns=["Source table", "Row", "Column", "Printed", "Computed", "Status"],
        rows=rows,
        numeric_columns={3, 4},
        source="Totals and shares as printed in the source tables, compared with those computed from the raw values.",
    )


def data_quality_blocks(comparison: pd.DataFrame, tables: dict[str, SourceTable]) -> list:
    """The data-quality notes: how many printed values agree with the computed ones, and those that do not."""
    differs = comparison[comparison["status"] != "agrees"]
    facts = {"quality": {"printed_values": len(comparison), "disagreements": len(differs), "agreements": int((comparison["status"] == "agrees").sum())}}
    treatments = [f"{t.spec.title}: {in_words(note, t)}" for t in tables.values() for note in t.treatments]
    blocks = [NarrativeSlot("appendix-data-quality", "appendix_data_quality.md.j2", facts=facts | {"treatments": treatments})]
    if not differs.empty:
        blocks.append(comparison_table(comparison, tables))
    return blocks
