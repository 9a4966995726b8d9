"""Where the source tables go in the paper, and the data-quality appendix about them."""

from __future__ import annotations

import pandas as pd

from pipelines.report.assemble import NarrativeSlot
from pipelines.report.document import Cell, Section, Table
from pipelines.report.placements import INTRO_TABLES, RATIFICATIONS_APPENDIX, SUBCLUSTER, Placed
from pipelines.tables.load import SourceTable
from pipelines.tables.present import present


def placed_tables(tables: dict[str, SourceTable]) -> dict[str, list[Table]]:
    """Document tables keyed by their placement (``labour-migration``, ``subcluster/C2``, ``appendix/III``)."""
    placed: dict[str, list[Table]] = {}
    for table in sorted(tables.values(), key=lambda t: t.spec.id):
        if table.spec.kind != "table" or not table.spec.placement:
            continue
        placed.setdefault(table.spec.placement, []).append(present(table))
    return placed


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


def data_quality_appendix(comparison: pd.DataFrame, tables: dict[str, SourceTable], number: str) -> Section:
    differs = comparison[comparison["status"] != "agrees"]
    facts = {"quality": {"printed_values": len(comparison), "disagreements": len(differs), "agreements": int((comparison["status"] == "agrees").sum())}}
    treatments = [f"{t.spec.title}: {note}" for t in tables.values() for note in t.treatments]
    blocks = [NarrativeSlot("appendix-data-quality", "appendix_data_quality.md.j2", facts=facts | {"treatments": treatments})]
    if not differs.empty:
        blocks.append(comparison_table(comparison, tables))
    return Section("appendix-data-quality", "Data-quality notes on the source tables", level=2, number=number, css_class="appendix", blocks=blocks)


def table_extras(tables: dict[str, SourceTable], comparison: pd.DataFrame) -> dict:
    """What the source tables add to the paper, keyed the way the part builders look for it."""
    placed = placed_tables(tables)
    extras: dict = {"intro_tables": placed.get(INTRO_TABLES, []), "subcluster_blocks": {}, "more_appendices": []}
    extras["placements"] = [
        Placed(t.spec.kind, t.spec.id, t.spec.placement, t.spec.file, t.spec.lines.get("placement"))
        for t in sorted(tables.values(), key=lambda t: t.spec.id) if t.spec.placement
    ]
    for placement, blocks in placed.items():
        if placement.startswith(SUBCLUSTER):
            extras["subcluster_blocks"].setdefault(placement.removeprefix(SUBCLUSTER), []).extend(blocks)
    if RATIFICATIONS_APPENDIX in placed:
        extras["more_appendices"].append(
            Section(
                "appendix-3",
                "Ratification of selected international instruments in the ASEAN region",
                level=2,
                number="Appendix III",
                css_class="appendix",
                blocks=[NarrativeSlot("appendix-ratifications", None), *placed[RATIFICATIONS_APPENDIX]],
            )
        )
    extras["more_appendices"].append(data_quality_appendix(comparison, tables, "Appendix IV"))
    return extras
