"""Where the source tables go in the paper (their ``placement:``), and the data-quality notes about them."""

from __future__ import annotations

import pandas as pd

from pipelines.report.assemble import NarrativeSlot
from pipelines.report.document import Cell, Table
from pipelines.tables.load import SourceTable
from pipelines.report.present import keep_printed, present, present_figure


def place_tables(tables: dict[str, SourceTable], slots, comparison: pd.DataFrame | None = None) -> None:
    """Every source table with a ``placement:`` into its slot: as a table, or as a chart when its
    YAML declares ``display.figure``; showing the values their source printed (``comparison``:
    printed versus computed)."""
    for table in sorted(tables.values(), key=lambda t: t.spec.id):
        if not table.spec.placement:
            continue
        shown = keep_printed(table, comparison) if comparison is not None else table
        block = present_figure(shown) if table.spec.display.get("figure") else present(shown)
        slots.put(table.spec.placement, block, table.file)


def comparison_table(comparison: pd.DataFrame, tables: dict[str, SourceTable]) -> Table:
    """The printed values that differ from the computed ones, for the data-quality appendix."""
    differs = comparison[comparison["status"] != "agrees"]
    titles = {k: t.spec.title for k, t in tables.items()}
    rows = [
        [Cell(titles.get(r.table_id, r.table_id), header=True), Cell(r.row), Cell(r.column), Cell(r.printed, numeric=True), Cell(r.computed, numeric=True), Cell(r.status)]
        for r in differs.itertuples(index=False)
    ]
    return Table(
        key="printed-vs-computed",
        caption="Values printed in the source that differ from the values computed from its raw data",
        columns=["Source table", "Row", "Column", "Printed", "Computed", "Status"],
        rows=rows,
        numeric_columns={3, 4},
        source="Pipeline comparison of the printed totals and shares (tables/published.csv) with those derived from the raw values.",
    )


def data_quality_blocks(comparison: pd.DataFrame, tables: dict[str, SourceTable]) -> list:
    """The data-quality notes: how many printed values agree with the computed ones, and those that do not."""
    differs = comparison[comparison["status"] != "agrees"]
    facts = {"quality": {"printed_values": len(comparison), "disagreements": len(differs), "agreements": int((comparison["status"] == "agrees").sum())}}
    treatments = [f"{t.spec.title}: {note}" for t in tables.values() for note in t.treatments]
    blocks = [NarrativeSlot("appendix-data-quality", "appendix_data_quality.md.j2", facts=facts | {"treatments": treatments})]
    if not differs.empty:
        blocks.append(comparison_table(comparison, tables))
    return blocks
