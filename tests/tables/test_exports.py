"""Tidy exports: numbers and markers apart, stated precision, formula escaping that never touches a
number, workbooks with a cover, contents and notes and no Python representations."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.tables.export import split_markers, write_csv

from tests.tables.test_tables import TABLES, load_all


def test_markers_move_to_a_status_column_and_numbers_stay_numbers(tmp_path):
    frame = pd.DataFrame({"country": ["A", "B", "C"], "cases": [12, "-", "n/a"], "share": [39.641459, 70.15019, "nd"]})
    tidy = split_markers(frame, ["cases", "share"], {"cases": 0, "share": 1})
    assert list(tidy.columns) == ["country", "cases", "cases_status", "share", "share_status"]
    assert tidy["cases_status"].tolist() == ["", "nil", "not_available"]
    assert tidy["share"].tolist()[:2] == [39.6, 70.2]  # the precision the metadata states (half away from zero)
    write_csv(tidy, tmp_path / "t.csv")
    lines = (tmp_path / "t.csv").read_text().splitlines()
    assert lines[1] == "A,12,,39.6,"
    assert lines[2] == "B,,nil,70.2,"
    assert lines[3] == "C,,not_available,,not_disaggregated"


def test_a_negative_number_is_never_escaped_but_negative_looking_text_is(tmp_path):
    write_csv(pd.DataFrame({"difference": [-1000, 3], "note": ["-1 000", "=A1"]}), tmp_path / "n.csv")
    lines = (tmp_path / "n.csv").read_text().splitlines()
    assert lines[1] == "-1000,'-1 000"
    assert lines[2] == "3,'=A1"


def test_source_table_exports_have_no_text_in_numeric_columns_and_no_python_reprs(tmp_path):
    from openpyxl import load_workbook

    from pipelines.tables.compare import compare_published
    from pipelines.tables.exports import export_tables

    tables = load_all()
    export_tables(tables, compare_published(tables, TABLES / "published.csv"), tmp_path)
    for table in tables.values():
        frame = pd.read_csv(tmp_path / f"{table.spec.id}.csv", dtype=str, keep_default_na=False)
        numeric = [c.name for c in table.spec.columns if c.numeric] + [d["name"] for d in table.spec.derive if "name" in d]
        for column in numeric:
            if column in frame.columns:
                bad = [v for v in frame[column] if v and not _is_number(v)]
                assert not bad, (table.spec.id, column, bad)
        book = load_workbook(tmp_path / f"{table.spec.id}.xlsx")
        assert book.sheetnames[:2] == ["Cover", "Contents"]
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                for value in row:
                    if isinstance(value, str):
                        assert not value.startswith(("[", "{", "('")), (table.spec.id, sheet.title, value)
    comparison = pd.read_csv(tmp_path / "printed_vs_computed.csv", dtype=str, keep_default_na=False)
    indonesia = comparison[(comparison["table_id"] == "table01_outflow") & (comparison["row"] == "IDN") & (comparison["column"] == "total")].iloc[0]
    assert (indonesia["printed"], indonesia["computed"], indonesia["difference"]) == ("284640", "283640", "-1000")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_indicators_in_long_form_match_the_wide_files():
    from pipelines.indicators.definitions import INDICATORS
    from pipelines.indicators.long_form import indicators_long

    wide = pd.DataFrame([{"cluster": "A", "recommendations": 17, "share_covered": 23.5, "forum_range": "3rd–10th", "initiatives": 54}])
    sub = pd.DataFrame([{"subcluster": "A1", "cluster": "A", "recommendations": 13, "share_covered": None, "forum_range": "3rd", "initiatives": 0}])
    long = indicators_long(wide, sub, INDICATORS)
    assert set(long["indicator"]) == {"recommendations", "share_covered", "initiatives"}  # text indicators stay wide
    row = long[(long["group"] == "A") & (long["indicator"] == "share_covered")].iloc[0]
    assert (row["value"], row["unit"], row["level"]) == (23.5, "percent", "cluster")
    missing = long[(long["group"] == "A1") & (long["indicator"] == "share_covered")].iloc[0]
    assert missing["value"] is None


def test_the_published_data_package_describes_every_file_and_validates(afml13_build):
    frictionless = pytest.importorskip("frictionless")
    import json

    data = afml13_build.edition_dir / "data"
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    described = {r["path"] for r in package["resources"]}
    on_disk = {p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file() and p.name != "datapackage.json"}
    assert described == on_disk
    report = frictionless.validate(data / "datapackage.json")
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "message"])[:10]
    by_path = {r["path"]: r for r in package["resources"]}
    share = next(f for f in by_path["cluster_indicators.csv"]["schema"]["fields"] if f["name"] == "share_covered")
    assert (share["type"], share["unit"]) == ("number", "percent")
    assert by_path["tables/table01_outflow.csv"]["description"].startswith("Source:")
    # The catalogue's columns are described as what they are in each file, not with the questionnaire's
    # help text to a respondent ("... see the Recommendations sheet").
    cluster = next(f for f in by_path["cluster_indicators.csv"]["schema"]["fields"] if f["name"] == "cluster")
    assert cluster == {"name": "cluster", "type": "string", "title": "Cluster", "description": "The cluster of recommendations the row is about."}
    assert by_path["subcluster_indicators.csv"]["title"] == "Indicators by sub-cluster"
    # A column name can mean two things: a comparison's status is not an initiative's.
    statuses = {path: next(f["description"] for f in by_path[path]["schema"]["fields"] if f["name"] == "status") for path in ("initiatives.csv", "tables/printed_vs_computed.csv")}
    assert statuses == {"initiatives.csv": "Planned, ongoing or completed.", "tables/printed_vs_computed.csv": "agrees, differs, not computable or unknown cell."}
