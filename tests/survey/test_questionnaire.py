"""The questionnaire workbook as a respondent meets it: protected, self-explaining, in their language,
and read back by the intake with every value in place."""

from __future__ import annotations

import re

import pytest

from pipelines.survey import form as F
from pipelines.survey.i18n import LANGUAGES, SOURCE_LANGUAGE, catalog_keys, load, review_status
from pipelines.survey.intake import catalogue_for, run_intake
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def catalogue(catalog, edition):
    return catalogue_for(edition, catalog["clusters"], catalog["subclusters"], catalog["recommendations"])


def make_workbook(path, catalog, edition, language="en", prefill=None, initiatives=None):
    from pipelines.survey.questionnaire import write_questionnaire

    reviewed = edition.reviewed(catalog["recommendations"])
    return write_questionnaire(edition, catalog["clusters"], catalog["subclusters"], reviewed, catalog["memberships"], catalog["forums"], path, prefill=prefill, initiatives=initiatives, language=language)


# --- catalogs -------------------------------------------------------------------------------------

def test_the_catalogs_on_disk_are_the_declared_languages():
    found = sorted(p.name for p in (ROOT / "pipelines" / "survey" / "locale").iterdir() if p.is_dir())
    assert found == sorted(LANGUAGES)
    assert {"id", "vi"} <= set(LANGUAGES)  # at least two ASEAN languages besides English


@pytest.mark.parametrize("language", [c for c in LANGUAGES if c != SOURCE_LANGUAGE])
def test_every_message_has_a_translation_with_the_same_placeholders(language):
    source, translated = catalog_keys(SOURCE_LANGUAGE), catalog_keys(language)
    assert set(translated) == set(source), f"keys missing: {sorted(set(source) - set(translated))}; unknown: {sorted(set(translated) - set(source))}"
    untranslated = sorted(k for k, v in translated.items() if not v.strip())
    assert not untranslated, f"{language}: messages without a translation: {untranslated}"
    for key, text in source.items():
        assert set(re.findall(r"\{(\w+)\}", translated[key])) == set(re.findall(r"\{(\w+)\}", text)), key


def test_every_catalog_says_whether_a_person_reviewed_it():
    for language in LANGUAGES:
        reviewed, by = review_status(language)
        messages = load(language)
        assert messages.reviewed == reviewed
        assert bool(messages.review_note()) == (not reviewed and language != SOURCE_LANGUAGE)
        assert not reviewed or by  # a reviewed catalog names its reviewer
    assert not load("id").reviewed and not load("vi").reviewed  # machine-assisted, said so


def test_a_missing_message_fails_loudly():
    with pytest.raises(KeyError):
        load("vi")("no.such.message")


def test_numbers_and_dates_follow_the_language(edition):
    assert load("en").number(12345) == "12,345"
    assert load("id").number(12345) == "12.345"
    assert load("vi").month_year(edition.review_end) == "tháng 10 năm 2020"
    assert load("id").month_year(edition.review_start) == "Januari 2018"


# --- the workbook as generated ----------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_the_workbook_is_protected_guided_and_printable(tmp_path, catalog, edition, language):
    from openpyxl import load_workbook

    messages = load(language)
    book = load_workbook(make_workbook(tmp_path / "q.xlsx", catalog, edition, language))
    titles = [messages(f"sheet.{role}") for role in F.SHEETS]
    assert book.sheetnames == titles + ["Lists", F.FORM_SHEET]
    assert book.security.lockStructure and not book.security.workbookPassword
    assert book["Lists"].sheet_state == "hidden" and book[F.FORM_SHEET].sheet_state == "veryHidden"
    sheet = book[titles[2]]
    for ws in (book[t] for t in titles):
        assert ws.protection.sheet and not ws.protection.password, ws.title
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
        assert (ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1) if ws is not sheet else (ws.page_setup.scale and ws.col_breaks.brk)
        assert ws.oddFooter.right.text == messages("footer.page")
        assert (ws.oddFooter.left.text or "") == messages.review_note()
    assert sheet.freeze_panes == f"C{F.FIRST_ROW}" and sheet.print_title_rows == "$1:$2"

    columns = F.initiative_columns()
    assert not {"source", "submission_time"} & ({c.field for c in columns} | set(F.RESPONDENT_QUESTIONS))
    assert [c.value for c in sheet[1]] == [messages(f"{c.key}.label", number=c.number) for c in columns]
    assert all(cell.protection.locked for cell in sheet[1] + sheet[2])
    by_cell = {}
    for validation in sheet.data_validations.dataValidation:
        for ref in str(validation.sqref).split():
            by_cell[ref.split(":")[0]] = validation
    for index, column in enumerate(columns, start=1):
        letter = F.column_letter(index)
        validation = by_cell[f"{letter}{F.FIRST_ROW}"]
        assert validation.showInputMessage and validation.prompt and validation.promptTitle, column.field
        assert len(validation.promptTitle) <= 32 and len(validation.prompt) <= 255
        locked = sheet[f"{letter}{F.FIRST_ROW}"].protection.locked
        assert locked == (column.field == "initiative_id"), column.field
        if column.list_name or column.field.endswith("_year"):
            assert validation.type in ("list", "whole", "custom") and validation.showErrorMessage and validation.error, column.field
    cluster = F.column_letter(next(i for i, c in enumerate(columns, start=1) if c.field == "cluster"))
    assert by_cell[f"F{F.FIRST_ROW}"].formula1 == f'INDIRECT("SUB_"&LEFT(${cluster}{F.FIRST_ROW},1))'
    assert {f"SUB_{c}" for c in "ABCDEFGHIJ"} | {f"REC_{c}" for c in "ABCDEFGHIJ"} <= set(book.defined_names)
    respondent = book[titles[1]]
    answers = [respondent.cell(row=F.respondent_row(n), column=2) for n in F.RESPONDENT_QUESTIONS]
    assert not any(a.protection.locked for a in answers)  # nothing prefilled: the id is open too


def test_a_workbook_per_respondent_is_prefilled_and_keeps_the_id(tmp_path, catalog, edition):
    from openpyxl import load_workbook

    prefill = {"respondent_id": "VNM-VNU", "organisation": "Viet Nam National University", "country": "VNM", "constituency": "other", "language": "vi"}
    book = load_workbook(make_workbook(tmp_path / "q.xlsx", catalog, edition, "vi", prefill))
    sheet = book[load("vi")("sheet.respondent")]
    values = {name: sheet.cell(row=F.respondent_row(name), column=2).value for name in F.RESPONDENT_QUESTIONS}
    assert values == {"respondent_id": "VNM-VNU", "organisation": "Viet Nam National University", "acronym": None, "country": "VNM – Việt Nam", "constituency": "Khác (viện nghiên cứu, tổ chức quốc tế…)", "language": "Tiếng Việt"}
    assert sheet.cell(row=F.respondent_row("respondent_id"), column=2).protection.locked
    assert not sheet.cell(row=F.respondent_row("organisation"), column=2).protection.locked


def test_the_same_inputs_give_the_same_bytes(tmp_path, catalog, edition):
    first = make_workbook(tmp_path / "a.xlsx", catalog, edition, "id").read_bytes()
    assert make_workbook(tmp_path / "b.xlsx", catalog, edition, "id").read_bytes() == first


# --- a respondent fills it in ----------------------------------------------------------------------

def test_a_respondent_fills_in_the_workbook_and_intake_reads_every_value(tmp_path, catalog, edition, catalogue):
    """As a respondent would, in Bahasa Indonesia: answers typed or picked from the lists, one attempt
    to change a protected heading, one entry that is not on its list."""
    from openpyxl import load_workbook

    from pipelines.survey.feedback import write_validation_reports

    messages = load("id")
    folder = tmp_path / "survey"
    path = make_workbook(folder / "IDN-SBMI.xlsx", catalog, edition, "id", {"respondent_id": "IDN-SBMI", "language": "id"})
    book = load_workbook(path)
    respondent, sheet = book[messages("sheet.respondent")], book[messages("sheet.initiatives")]
    lists = book["Lists"]
    listed = {lists.cell(row=1, column=c).value: [lists.cell(row=r, column=c).value for r in range(2, lists.max_row + 1) if lists.cell(row=r, column=c).value] for c in range(1, lists.max_column + 1)}
    for name, value in {"organisation": "Serikat Buruh Migran Indonesia", "acronym": "SBMI", "country": listed["country"][2], "constituency": listed["constituency"][3]}.items():
        respondent.cell(row=F.respondent_row(name), column=2).value = value
    assert listed["country"][2] == "IDN – Indonesia" and listed["constituency"][3] == "Organisasi masyarakat sipil"

    rows = [
        ["IDN – Indonesia", "Posko pengaduan", "Menerima 1.200 pengaduan pekerja migran pada 2019.", listed["cluster"][2], listed["SUB_C"][0], listed["REC_C"][0], listed["REC_C"][1], "", "", "", 2018, None, "Sedang berjalan", "Ya", "pekerja migran", "ILO; IOM", "https://example.org/laporan"],
        ["MYS – Malaysia", "Pendampingan hukum", "Pendampingan kasus di Malaysia.", listed["cluster"][5], listed["SUB_F"][1], "", "", "", "", "", 2019, 2020, "Selesai", "Tidak tahu", "", "", ""],
    ]
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=2):
            sheet.cell(row=F.FIRST_ROW + offset, column=column).value = value
    # the invalid list entry: a status the list does not offer (Excel's error alert would refuse it)
    status = F.column_letter(next(i for i, c in enumerate(F.initiative_columns(), start=1) if c.field == "status"))
    sheet[f"{status}{F.FIRST_ROW + 1}"] = "Mungkin"
    status_rule = next(v for v in sheet.data_validations.dataValidation if f"{status}{F.FIRST_ROW}" in str(v.sqref))
    assert status_rule.formula1 == "L_status" and status_rule.showErrorMessage and "Mungkin" not in listed["status"]
    # the protected heading: Excel refuses the edit (sheet protected, cell locked); written anyway, it is noted
    heading = sheet["C1"]
    assert sheet.protection.sheet and heading.protection.locked
    heading.value = "Nama program"
    book.save(path)

    result = run_intake(folder, tmp_path, catalogue)
    read = result.files.iloc[0]
    assert read["layout"] == "questionnaire" and (read["respondents_read"], read["initiatives_read"]) == (1, 2)  # the 198 empty numbered rows are not initiatives
    assert "heading 'Nama program'" in read["notes"]
    assert result.respondents.drop(columns=["file", "submission_time"]).to_dict("records") == [{"respondent_id": "IDN-SBMI", "organisation": "Serikat Buruh Migran Indonesia", "acronym": "SBMI", "country": "IDN", "constituency": "civil_society", "language": "id"}]
    first = result.initiatives.iloc[0]
    expected = {"uid": "IDN-SBMI:1", "country": "IDN", "title": "Posko pengaduan", "description": "Menerima 1.200 pengaduan pekerja migran pada 2019.", "cluster": "C", "subcluster": listed["SUB_C"][0][:2], "recommendation_ids": " ".join(sorted(listed["REC_C"][:2])), "start_year": "2018", "end_year": "", "status": "ongoing", "gender_responsive": "yes", "target_group": "pekerja migran", "partners": "ILO; IOM", "evidence_link": "https://example.org/laporan", "source": "questionnaire", "sheet": "Inisiatif", "row": F.FIRST_ROW}
    assert {k: first[k] for k in expected} == expected
    # the second row is kept in quarantine with the invalid status, and the respondent is told where
    assert len(result.quarantine) == 1 and result.quarantine.iloc[0]["data"]["title"] == "Pendampingan hukum"
    assert result.quarantine.iloc[0]["data"]["end_year"] == "2020"
    write_validation_reports(result, tmp_path / "validation", ROOT / "templates", edition)
    report = (tmp_path / "validation" / "IDN-SBMI.csv").read_text(encoding="utf-8")
    assert f"Inisiatif!{status}{F.FIRST_ROW + 1},2. Pendampingan hukum,Mungkin,{messages('fix.choice')}" in report


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_workbook_names_the_review_by_its_year_never_by_the_pipelines_id(tmp_path, catalog, edition, language):
    from openpyxl import load_workbook

    book = load_workbook(make_workbook(tmp_path / "q.xlsx", catalog, edition, language))
    shown = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    texts = [c.value for ws in shown for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [t for t in texts if edition.id in t]
    assert texts[0] == load(language)("title", edition="2020") and book.properties.title == texts[0]


def test_an_edition_that_reads_another_editions_survey_has_no_questionnaire_of_its_own(capsys):
    """Its questionnaire would ask about the other framework's commitments in this one's words; the
    author is sent to the questionnaire respondents actually answer."""
    from pipelines.cli import questionnaire

    assert questionnaire("asean-crisis-2023-baseline") == 2
    error = capsys.readouterr().err
    assert "takes its evidence from the survey of afml-13" in error and "make questionnaire EDITION=afml-13" in error
