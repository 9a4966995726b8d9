"""Survey intake on real data (afml-13) and on a folder of deliberately broken files."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pipelines.survey.intake import catalogue_for, run_intake
from pipelines.survey.readers import MAX_UNZIPPED_BYTES, read_file
from tests.conftest import FIXTURES, SOURCES

BROKEN = FIXTURES / "survey_broken"
SURVEY = SOURCES / "editions" / "afml-13" / "survey"


@pytest.fixture(scope="module")
def catalogue(catalog, edition):
    return catalogue_for(edition, catalog["clusters"], catalog["subclusters"], catalog["recommendations"])


@pytest.fixture(scope="module")
def afml13(catalogue):
    return run_intake(SURVEY, SOURCES.parent, catalogue)


@pytest.fixture(scope="module")
def broken(catalogue):
    return run_intake(BROKEN, BROKEN, catalogue)


def test_afml13_survey_is_ingested_with_no_rejected_row(afml13):
    assert afml13.problems.empty and afml13.quarantine.empty and not afml13.structural
    assert len(afml13.respondents) == 31
    assert set(afml13.files["layout"]) == {"workbook", "kobo_csv", "compilation_csv"}
    by_country = afml13.respondents.groupby("country").size().to_dict()
    assert by_country == {"KHM": 1, "IDN": 3, "LAO": 3, "MYS": 4, "MMR": 6, "PHL": 3, "SGP": 2, "THA": 5, "VNM": 4}
    constituencies = afml13.respondents["constituency"].value_counts().to_dict()
    assert constituencies == {"civil_society": 15, "government": 5, "workers": 4, "other": 4, "employers": 3}


def test_afml13_dataset_covers_all_clusters_and_every_state_with_initiatives(afml13):
    initiatives = afml13.initiatives
    assert len(initiatives) == afml13.files["initiatives_read"].sum()
    assert set(initiatives["cluster"]) == set("ABCDEFGHIJ")
    assert set(initiatives.loc[initiatives["scope"] == "national", "country"]) == {"BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM"}
    assert initiatives["uid"].is_unique
    assert (initiatives["description"].str.len() > 20).all()


PLANTED = {
    ("IDN-TEST.xlsx", "Initiatives", 3, "cluster", "K"),
    ("IDN-TEST.xlsx", "Initiatives", 4, "subcluster", "B1"),
    ("IDN-TEST.xlsx", "Initiatives", 5, "start_year", "2031"),
    ("IDN-TEST.xlsx", "Initiatives", 6, "title", ""),
    ("IDN-TEST.xlsx", "Initiatives", 7, "initiative_id", "3"),
    ("IDN-TEST.xlsx", "Initiatives", 8, "recommendation_ids", "afml99-01"),
    ("IDN-TEST.xlsx", "Initiatives", 9, "country", "Atlantis"),
    ("form-export.csv", "", 2, "constituency", "aliens"),
    ("form-export.csv", "", 2, "respondent_id", "MYS-X"),
    ("form-export.csv", "", 4, "end_year", "2015"),
    ("literature.csv", "", 2, "status", "maybe"),
    ("literature.csv", "", 3, "source", ""),
}


def test_every_planted_problem_is_reported_with_its_location(broken):
    found = {(p.file, p.sheet, p.row, p.column, p.value) for p in broken.problems.itertuples(index=False)}
    assert found == PLANTED
    assert all(broken.problems["reason"].str.len() > 10)


def test_structural_failures_are_named_and_partial_files_ignored(broken):
    assert any(s.startswith('"garbage.xlsx": unreadable') for s in broken.structural)
    assert any(s.startswith('"unknown-layout.csv"') and 'unknown layout: the headers "name", "age"' in s for s in broken.structural)
    files = set(broken.files["file"])
    assert "~$IDN-TEST.xlsx" not in files and "upload.csv.part" not in files


def test_accepted_plus_quarantined_rows_are_every_row_read(broken):
    read = broken.rows_read
    assert read == 19
    assert len(broken.respondents) + len(broken.initiatives) + len(broken.quarantine) == read
    assert set(broken.quarantine["disposition"]) == {"rejected", "superseded"}
    assert broken.quarantine["reason"].str.len().min() > 0


def test_a_later_submission_replaces_the_earlier_one_and_the_log_says_so(broken):
    thai = broken.initiatives[broken.initiatives["respondent_id"] == "THA-Y"]
    assert list(thai["title"]) == ["New answer"]
    assert any("THA-Y" in line and "replaces" in line for line in broken.log)


def test_identifiers_stay_strings_and_na_answers_stay_answers(broken):
    accepted = broken.initiatives.set_index("uid")
    assert accepted.loc["IDN-TEST:001", "initiative_id"] == "001"
    assert accepted.loc["THA-Y:2", "target_group"] == "None"
    assert accepted.loc["literature.csv:LR-3", "country"] == "LAO"


def test_utf8_with_or_without_bom_and_declared_cp1252_give_the_same_result(tmp_path, catalogue):
    # Changed with issue 10: an undeclared cp1252 file is no longer guessed; the name declares it.
    text = (BROKEN / "literature.csv").read_text(encoding="utf-8")
    results = {}
    for name, data, file in [("utf8", text.encode("utf-8"), "literature.csv"), ("bom", b"\xef\xbb\xbf" + text.encode("utf-8"), "literature.csv"), ("cp1252", text.encode("cp1252"), "literature.cp1252.csv")]:
        folder = tmp_path / name
        folder.mkdir()
        (folder / file).write_bytes(data)
        result = run_intake(folder, folder, catalogue)
        titles = [d.get("title") for d in result.quarantine["data"]]
        results[name] = (result.initiatives.drop(columns=["file", "uid"]).to_dict("records"), result.problems.drop(columns=["file"]).to_dict("records"), titles, result.files["encoding"].item())
    assert results["utf8"][:3] == results["bom"][:3] == results["cp1252"][:3]
    assert [r[3] for r in results.values()] == ["utf-8", "utf-8-sig", "cp1252"]
    assert "Décret sur l'emploi" in results["cp1252"][2]


def test_workbooks_are_parsed_defensively():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML  # openpyxl parses every XML part with defusedxml


def test_a_zip_bomb_is_refused_before_parsing(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (MAX_UNZIPPED_BYTES + 1))
    result = read_file(bomb, "bomb.xlsx")
    assert result.problems and "unpacks to" in result.problems[0].reason


def test_the_questionnaire_round_trips(tmp_path, catalog, edition, catalogue):
    from openpyxl import load_workbook

    from pipelines.survey.questionnaire import write_questionnaire

    target = tmp_path / "survey" / "q.xlsx"
    write_questionnaire(
        edition, catalog["clusters"], catalog["subclusters"], catalog["recommendations"], catalog["memberships"], catalog["forums"], target,
        prefill={"respondent_id": "SGP-Z", "organisation": "Z", "country": "Singapore", "constituency": "workers"},
        initiatives=[{"initiative_id": "1", "country": "SGP – Singapore", "title": "T", "description": "D.", "cluster": "F – Equal labour protection and decent conditions of work", "subcluster": "F3 – Occupational safety and health (OSH)", "start_year": 2019}],
    )
    book = load_workbook(target)
    assert book.sheetnames[:4] == ["Instructions", "Respondent", "Initiatives", "Recommendations"]
    assert book["Recommendations"].max_row == 179  # note, header + 177 memberships
    validations = {str(dv.sqref)[:1] for dv in book["Initiatives"].data_validations.dataValidation if dv.type}
    assert {"B", "E", "F", "G", "N", "O"} <= validations  # country, cluster, sub-cluster, recommendation, status, gender
    result = run_intake(target.parent, tmp_path, catalogue)
    assert result.problems.empty
    row = result.initiatives.iloc[0]
    assert (row["country"], row["cluster"], row["subcluster"], row["start_year"]) == ("SGP", "F", "F3", "2019")


def _afml13():
    from pipelines.editions import load_editions

    return load_editions(SOURCES)["afml-13"]


def test_validation_reports_are_written_per_respondent(tmp_path, broken):
    from pipelines.survey.feedback import write_validation_reports
    from tests.conftest import ROOT

    write_validation_reports(broken, tmp_path, ROOT / "templates", _afml13())
    html = (tmp_path / "IDN-TEST.html").read_text()
    assert "Atlantis" in html and "Initiatives!F4" in html  # the sub-cluster not in cluster A, where the respondent sees it
    assert (tmp_path / "quarantine.csv").exists()
    assert len(pd.read_csv(tmp_path / "IDN-TEST.csv")) == 7


def test_survey_text_is_escaped_in_validation_reports(tmp_path, catalogue):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "c.csv").write_text("initiative_id,country,title,description,cluster,source\n1,<script>alert(1)</script>,t,d,A,literature_review\n", encoding="utf-8")
    result = run_intake(folder, folder, catalogue)
    from pipelines.survey.feedback import write_validation_reports
    from tests.conftest import ROOT

    write_validation_reports(result, tmp_path / "out", ROOT / "templates", _afml13())
    html = (tmp_path / "out" / "c.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_kobotoolbox_xlsx_export_with_a_repeat_sheet_is_read(tmp_path, catalogue):
    from openpyxl import Workbook

    book = Workbook()
    main = book.active
    main.title = "AFML questionnaire"
    main.append(["start", "respondent/respondent_id", "respondent/organisation", "respondent/country", "respondent/constituency", "_id", "_uuid", "_submission_time", "_index"])
    main.append(["2020-07-01", "KHM-K", "Kobo Org", "KHM", "workers", 7, "uuid-7", "2020-07-02T10:00:00Z", 1])
    repeat = book.create_sheet("initiatives")
    repeat.append(["initiative/initiative_id", "initiative/country", "initiative/title", "initiative/description", "initiative/cluster", "initiative/subcluster", "initiative/start_year", "_index", "_parent_index", "_parent_table_name"])
    repeat.append(["01", "KHM", "Union desk", "A help desk.", "C", "C2", 2019, 1, 1, "AFML questionnaire"])
    repeat.append(["02", "THA", "Cross-border cases", "Cases handled with a Thai union.", "C", "C3", 2020, 2, 1, "AFML questionnaire"])
    folder = tmp_path / "survey"
    folder.mkdir()
    book.save(folder / "kobo-export.xlsx")
    result = run_intake(folder, tmp_path, catalogue)
    assert result.files["layout"].item() == "kobo_xlsx"
    assert result.problems.empty
    assert result.respondents[["respondent_id", "submission_time"]].values.tolist() == [["KHM-K", "2020-07-02T10:00:00Z"]]
    assert list(result.initiatives["uid"]) == ["KHM-K:01", "KHM-K:02"]
    assert list(result.initiatives["row"]) == [2, 3] and set(result.initiatives["sheet"]) == {"initiatives"}


# --- survey files kept by content between builds -----------------------------------------------------


def _intake_frames(result) -> list[pd.DataFrame]:
    return [result.respondents, result.initiatives, result.problems, result.quarantine, result.files]


@pytest.mark.parametrize("folder", [SURVEY, BROKEN], ids=["afml-13", "broken files"])
def test_a_survey_read_from_the_cache_is_the_survey_read_from_its_files(folder, catalogue, tmp_path, monkeypatch):
    from pipelines.shared.content_cache import cache_folder
    from pipelines.survey import intake

    fresh = run_intake(folder, folder.parent, catalogue)
    parsed = []
    real = intake.read_file
    monkeypatch.setattr(intake, "read_file", lambda *args: parsed.append(args[1]) or real(*args))
    with cache_folder(tmp_path):
        first = run_intake(folder, folder.parent, catalogue)
        read_first = len(parsed)
        again = run_intake(folder, folder.parent, catalogue)
    assert read_first >= 5 and len(parsed) == read_first  # the second intake parsed nothing
    for kept, original in [(first, fresh), (again, fresh)]:
        for a, b in zip(_intake_frames(kept), _intake_frames(original)):
            pd.testing.assert_frame_equal(a, b)
        assert kept.structural == original.structural


def test_a_changed_survey_file_is_read_again(catalogue, tmp_path, monkeypatch):
    from pipelines.shared.content_cache import cache_folder
    from pipelines.survey import intake

    folder = tmp_path / "survey"
    shutil.copytree(SURVEY, folder)
    parsed = []
    real = intake.read_file
    monkeypatch.setattr(intake, "read_file", lambda *args: parsed.append(args[1]) or real(*args))
    with cache_folder(tmp_path / "cache"):
        run_intake(folder, tmp_path, catalogue)
        parsed.clear()
        review = folder / "literature-review.csv"
        review.write_text(review.read_text(encoding="utf-8") + "LR-999,THA,Added,Added to test the cache.,A,A1,,2020,,ongoing,unknown,,,,literature_review\n", encoding="utf-8")
        result = run_intake(folder, tmp_path, catalogue)
    assert parsed == ["survey/literature-review.csv"]  # only the changed file
    assert len(result.initiatives) == 390
