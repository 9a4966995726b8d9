"""The validation report a respondent receives: in their language, each problem where they see it
(sheet!cell), with the initiative's title, in row order, saying what to change; file paths and
internal field names only in the author's copy."""

from __future__ import annotations

from html import unescape

import pandas as pd
import pytest

from pipelines.survey import form as F
from pipelines.survey.feedback import FIXES, fix_key, write_validation_reports
from pipelines.survey.i18n import load
from pipelines.survey.intake import catalogue_for, run_intake
from pipelines.survey.model import INITIATIVE_FIELDS, RESPONDENT_FIELDS
from tests.conftest import ROOT
from tests.survey.test_questionnaire import make_workbook


@pytest.fixture(scope="module")
def catalogue(catalog, edition):
    return catalogue_for(edition, catalog["clusters"], catalog["subclusters"], catalog["recommendations"])


def letter(field: str, number: int = 0) -> str:
    return F.column_letter(next(i for i, c in enumerate(F.initiative_columns(), start=1) if c.field == field and c.number in (0, number or 1)))


def test_a_broken_vietnamese_workbook_gets_a_vietnamese_report_naming_every_cell(tmp_path, catalog, edition, catalogue):
    vi = load("vi")
    ok = {"country": "VNM", "title": "", "description": "Một sáng kiến hợp lệ.", "cluster": "A", "subcluster": "A1", "start_year": 2019, "status": "Đang thực hiện"}
    # problems written as a respondent could only paste them past the lists (or as an older file would hold them)
    planted = [  # (row, field, value, title, fix key)
        (F.FIRST_ROW + 6, "country", "Atlantis", "Đường dây nóng", "fix.country"),
        (F.FIRST_ROW + 1, "cluster", "K", "Tập huấn trước khi đi", "fix.cluster"),
        (F.FIRST_ROW + 2, "subcluster", "B1", "Tư vấn pháp lý", "fix.subcluster"),
        (F.FIRST_ROW + 3, "start_year", 2031, "Chương trình tương lai", "fix.start_after"),
        (F.FIRST_ROW + 4, "recommendation_ids", "afml99-01", "Quỹ hỗ trợ", "fix.recommendation"),
        (F.FIRST_ROW + 5, "description", "", "Nhà tạm lánh", "fix.required"),
    ]
    rows = [ok | {"title": "Sáng kiến tốt"}] + [ok | {"title": title} for *_, title, _ in sorted(planted)]
    for row, field, value, title, _ in planted:
        rows[row - F.FIRST_ROW] = rows[row - F.FIRST_ROW] | {field: value}
    folder = tmp_path / "survey"
    prefill = {"respondent_id": "VNM-TEST", "organisation": "Tổ chức thử nghiệm", "country": "VNM", "constituency": "civil_society", "language": "vi"}
    make_workbook(folder / "VNM-TEST.xlsx", catalog, edition, "vi", prefill, rows)
    result = run_intake(folder, tmp_path, catalogue)
    assert len(result.problems) == len(planted) and len(result.initiatives) == 1

    out = tmp_path / "validation"
    write_validation_reports(result, out, ROOT / "templates", edition)
    report = pd.read_csv(out / "VNM-TEST.csv", dtype=str, keep_default_na=False)
    assert list(report.columns) == [vi("report.col.where"), vi("report.col.initiative"), vi("report.col.value"), vi("report.col.fix")]
    sheet = f"'{vi('sheet.initiatives')}'"  # quoted as Excel's Go To box takes a name with a space
    period = f"{vi.month_year(edition.review_start)} – {vi.month_year(edition.review_end)}"
    expected = [
        [f"{sheet}!{letter(field)}{row}" if field != "recommendation_ids" else f"{sheet}!{letter(field, 1)}{row}:{letter(field, F.RECOMMENDATION_COLUMNS)}{row}",
         f"{row - F.HEADER_ROWS}. {title}", str(value) if value != "" else vi("report.empty"), vi(key, sheet=vi("sheet.recommendations"), period=period)]
        for row, field, value, title, key in sorted(planted)
    ]
    assert report.values.tolist() == expected  # every planted problem, where it is, in row order, in Vietnamese

    html = unescape((out / "VNM-TEST.html").read_text(encoding="utf-8"))
    assert '<html lang="vi">' in html and vi("notice.unreviewed") in html
    for where, initiative, *_ in expected:
        assert where in html and initiative in html
    internal = [f.name for f in RESPONDENT_FIELDS + INITIATIVE_FIELDS if "_" in f.name] + ["VNM-TEST.xlsx", "survey/", edition.id]
    assert f"({edition.publication_date.year})</title>" in html  # the review as respondents know it
    for text in (html, (out / "VNM-TEST.csv").read_text(encoding="utf-8")):
        assert not [name for name in internal if name in text]
    author = pd.read_csv(out / "author" / "VNM-TEST.csv", dtype=str, keep_default_na=False)
    assert set(author["column"]) == {field for _, field, *_ in planted} and set(author["file"]) == {"survey/VNM-TEST.xlsx"}


def test_an_online_form_problem_names_the_question_in_the_respondents_language(tmp_path, catalogue, edition):
    id_ = load("id")
    header = "respondent/respondent_id,respondent/organisation,respondent/country,respondent/constituency,respondent/language,initiative/initiative_id,initiative/country,initiative/title,initiative/description,initiative/cluster,initiative/end_year,initiative/start_year,_uuid,_submission_time"
    line = "IDN-F,Org F,IDN,workers,id,1,IDN,Rumah singgah,Menampung pekerja migran.,D,2015,2012,u1,2020-07-01T00:00:00Z"
    folder = tmp_path / "survey"
    folder.mkdir()
    (folder / "export.csv").write_text(header + "\n" + line + "\n", encoding="utf-8")
    result = run_intake(folder, tmp_path, catalogue)
    write_validation_reports(result, tmp_path / "out", ROOT / "templates", edition)
    report = pd.read_csv(tmp_path / "out" / "IDN-F.csv", dtype=str, keep_default_na=False)
    assert report.values.tolist() == [[id_("report.where.question", question=id_("initiative.end_year.label")), "1. Rumah singgah", "2015", id_("fix.end_before", period=f"{id_.month_year(edition.review_start)} – {id_.month_year(edition.review_end)}")]]


def test_every_reason_of_the_validation_maps_to_an_instruction():
    reasons = {
        ("title", "Title is required"): "fix.required",
        ("country", "unknown country: give an ASEAN Member State (e.g. IDN or Indonesia)"): "fix.country",
        ("end_year", "ends before it starts (2019)"): "fix.end_before_start",
        ("start_year", "a year is four digits, e.g. 2019"): "fix.year",
        ("initiative_id", "duplicate initiative id in this response"): "fix.duplicate",
        ("status", "not one of: planned, ongoing, completed"): "fix.choice",
        ("respondent_id", "no accepted respondent has this id"): "fix.respondent",
    }
    for (column, reason), key in reasons.items():
        assert fix_key(column, reason) == key
    assert all(load("en").has(key) for *_, key in FIXES)
