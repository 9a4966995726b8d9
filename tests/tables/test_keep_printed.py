"""Reproduced tables show the values their source printed; a disagreement becomes a note."""

from __future__ import annotations

from pipelines.report.parts.source_tables import placed_tables
from pipelines.tables.assets import PUBLISHED_FILE, load_edition_tables
from pipelines.tables.compare import compare_published
from tests.conftest import SOURCES


def _texts(table) -> list[list[str]]:
    return [[cell.text.replace("\xa0", " ") for cell in row] for row in table.rows]


def test_printed_totals_and_counts_are_shown_with_the_computed_value_in_a_note(tmp_path):
    from pipelines.settings import ProjectPaths

    tables = load_edition_tables(ProjectPaths(sources_dir=str(SOURCES), outputs_dir=str(tmp_path)), "afml-13")
    comparison = compare_published(tables, SOURCES / "editions" / "afml-13" / "tables" / PUBLISHED_FILE)
    placed = {t.key: t for blocks in placed_tables(tables, comparison).values() for t in blocks}
    outflow = placed["table01_outflow"]
    total = next(row for row in _texts(outflow) if row[0] == "Total")
    assert "284 640" in total and "283 640" not in total  # printed, not recomputed
    assert any("283 640" in note.replace("\xa0", " ") for note in outflow.notes)
    attaches = {row[0]: row[1] for row in _texts(placed["table07_labour_attaches"])}
    assert (attaches["Indonesia"], attaches["Myanmar"], attaches["Thailand"]) == ("11", "10", "13")  # data, not the list's sum
    # without the comparison the computed values stand (the raw data is untouched)
    raw = {t.key: t for blocks in placed_tables(tables).values() for t in blocks}
    assert "283 640" in next(row for row in _texts(raw["table01_outflow"]) if row[0] == "Total")
