"""Source tables: raw values in, totals and shares computed, printed values only compared."""

from __future__ import annotations

import csv
import json
import re

import pandas as pd
import pytest

from pipelines.sourcefiles import SourceError
from pipelines.tables.compare import compare_published
from pipelines.tables.derive import derive
from pipelines.tables.export import escape_cell, write_csv
from pipelines.tables.load import read_table, table_files
from tests.conftest import ROOT, SOURCES

TABLES = SOURCES / "editions" / "afml-13" / "tables"


def load_all(folder=TABLES, root=ROOT):
    return {t.spec.id: t for t in (derive(read_table(p, root)) for p in table_files(folder))}


def test_every_table_of_the_paper_is_there_with_metadata():
    tables = load_all()
    assert set(tables) == {
        "table01_outflow", "table02_stock", "table04_legal_cases", "table05_hotlines", "table06_mrc_outreach",
        "table07_labour_attaches", "table08_mous", "table09_ratifications", "appendix3_ratification_matrix", "figure01_kap_index",
        "context_labour_migration", "context_remittances", "box_malaysia_sector_workforce", "survey_findings", "mrc_network", "text_statements",
    }
    narrative = " ".join(p.read_text(encoding="utf-8") for p in (SOURCES / "editions" / "afml-13" / "narrative").rglob("*.md"))
    for table in tables.values():
        assert table.spec.title and table.spec.source and table.spec.source_location
        if table.spec.kind == "facts":  # figures the text cites: quoted by the narrative, not placed as a table
            assert not table.spec.placement and re.search(rf"\btables\.{table.spec.id}\b", narrative), table.spec.id
        else:
            assert table.spec.placement, table.spec.id


def test_no_source_file_types_a_total_or_a_share():
    for path in table_files(TABLES):
        header = next(csv.reader(path.open(encoding="utf-8")))
        assert not any(h in ("total", "women_pct") or h.endswith("_pct_total") for h in header), path.name
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        assert not any(r.get("country", "").lower() == "total" for r in rows), path.name


def test_totals_and_shares_are_computed():
    tables = load_all()
    outflow = tables["table01_outflow"]
    assert outflow.value("KHM", "total") == 63365 + 41616
    assert round(outflow.value("KHM", "women_pct"), 1) == 39.6
    assert outflow.value("PHL", "total") == 1430842  # only a total is reported: the fallback
    assert outflow.value("PHL", "women_pct") == "nd"  # not disaggregated by sex, not zero and not n/a
    legal = tables["table04_legal_cases"]
    assert legal.value("total", "compensation_usd_2011_2019") == 4787431
    assert legal.value("MYS", "legal_cases_2019") == "-"  # nil stays nil
    outreach = tables["table06_mrc_outreach"]
    assert outreach.value("total:triangle_in_asean", "clients") == 26977
    assert tables["table07_labour_attaches"].value("PHL", "attaches") == 37


def test_published_disagreements_are_reported_not_fixed():
    comparison = compare_published(load_all(), TABLES / "published.csv")
    differs = comparison[comparison["status"] == "differs"]
    indonesia = differs[(differs["table_id"] == "table01_outflow") & (differs["row"] == "IDN") & (differs["column"] == "total")].iloc[0]
    assert (indonesia["printed"], indonesia["computed"]) == ("284 640", "283\u00a0640")
    assert set(differs["table_id"]) >= {"table01_outflow", "table02_stock", "table06_mrc_outreach", "table07_labour_attaches"}
    assert (comparison["status"] == "agrees").sum() >= 25


def test_a_planted_wrong_value_is_named_by_table_row_and_column(tmp_path):
    folder = tmp_path / "tables"
    import shutil

    shutil.copytree(TABLES, folder)
    legal = folder / "table04_legal_cases.csv"
    legal.write_text(legal.read_text(encoding="utf-8").replace("THA,Thailand,27,", "THA,Thailand,270,"), encoding="utf-8")
    comparison = compare_published(load_all(folder, tmp_path), folder / "published.csv")
    differs = comparison[comparison["status"] != "agrees"]
    planted = differs[differs["table_id"] == "table04_legal_cases"]
    assert planted[["row", "column", "printed"]].values.tolist() == [["total", "legal_cases_2019", "529"]]
    assert planted["computed"].item() == "772"


def test_the_warn_check_lists_the_disagreements():
    from pipelines.tables.assets import printed_values_agree

    comparison = compare_published(load_all(), TABLES / "published.csv")
    result = printed_values_agree(comparison)
    assert not result.passed and result.severity.value == "WARN"
    assert "table07_labour_attaches" in result.metadata["disagreements"].value


def test_bad_cells_are_reported_with_their_location(tmp_path):
    folder = tmp_path / "tables"
    import shutil

    shutil.copytree(TABLES, folder)
    path = folder / "table02_stock.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("63647", "63x647").replace("1547100", ""), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        read_table(path, tmp_path)
    found = {(p.row, p.column, p.value) for p in caught.value.problems}
    assert (2, "men", "63x647") in found and (3, "men", "") in found


@pytest.mark.parametrize("value,expected", [("=1+1", "'=1+1"), ("+33", "'+33"), ("-x", "'-x"), ("@SUM", "'@SUM"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain"), (42, 42)])
def test_spreadsheet_formula_triggers_are_escaped(value, expected):
    assert escape_cell(value) == expected


def test_exports_write_csv_xlsx_and_metadata(tmp_path):
    from openpyxl import load_workbook

    from pipelines.tables.exports import export_tables

    tables = load_all()
    export_tables(tables, compare_published(tables, TABLES / "published.csv"), tmp_path)
    frame = pd.read_csv(tmp_path / "table04_legal_cases.csv", dtype=str, keep_default_na=False)
    total = frame[frame["row_key"] == "total"].iloc[0]
    assert total["compensation_usd_2011_2019"] == "4787431" and total["is_computed_total"] == "True"
    meta = json.loads((tmp_path / "table04_legal_cases.json").read_text())
    assert meta["source"] and meta["missing_markers"] and meta["derived"]
    book = load_workbook(tmp_path / "table01_outflow.xlsx")
    assert book.sheetnames == ["Cover", "Contents", "Notes", "Data"]
    sheet = book["Data"]
    assert sheet["A1"].value == meta_title(tmp_path / "table01_outflow.json")
    assert [c.value for c in sheet[3]][:3] == ["row_key", "country_code", "country"]


def meta_title(path):
    return json.loads(path.read_text())["title"]


def test_csv_export_of_a_malicious_cell_is_inert(tmp_path):
    write_csv(pd.DataFrame({"a": ["=HYPERLINK(\"x\")", "ok"]}), tmp_path / "x.csv")
    assert tmp_path.joinpath("x.csv").read_text().splitlines()[1].startswith("\"'=HYPERLINK")


def test_a_group_total_closes_its_own_group_and_shows_the_computed_shares():
    from pipelines.report.present import present

    table = present(load_all()["table06_mrc_outreach"])
    texts = [[c.text for c in row] for row in table.rows]
    total_index = next(i for i, row in enumerate(texts) if row[0] == "Total")
    assert texts[total_index] == ["Total", "26\u00a0977", "45.0", "100\u00a0800", "46.1"]
    assert texts[total_index + 1][0].startswith("DIILM")  # the DIILM block follows the TRIANGLE total
    assert total_index in table.total_rows


def test_transposed_tables_print_computed_totals_and_shares():
    from pipelines.report.present import present

    table = present(load_all()["table01_outflow"])
    rows = {row[0].text: [c.text for c in row[1:]] for row in table.rows}
    assert rows["Total"][1] == "283\u00a0640"  # Indonesia: men + women, not the printed 284 640
    assert rows["Percentage of women (%)"][4] == "n.d."  # Philippines
    assert "n.d. = not disaggregated by sex" in table.legend
