"""The XLSForm: pyxform converts it cleanly in every language, and what KoboToolbox and ODK Central
export from it goes through intake with no row lost."""

from __future__ import annotations

import io
import zipfile

import pytest

from pipelines.survey import form as F
from pipelines.survey.i18n import LANGUAGES, load
from pipelines.survey.intake import catalogue_for, run_intake
from pipelines.survey.xlsform import write_xlsform, xlsform_sheets

pyxform = pytest.importorskip("pyxform")


@pytest.fixture(scope="module")
def form_catalog(catalog, edition):
    return F.Catalog.build(catalog["clusters"], catalog["subclusters"], edition.reviewed(catalog["recommendations"]), catalog["memberships"], catalog["forums"])


@pytest.fixture(scope="module")
def catalogue(catalog, edition):
    return catalogue_for(edition, catalog["clusters"], catalog["subclusters"], catalog["recommendations"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_pyxform_converts_the_form_without_errors_or_warnings(tmp_path, edition, form_catalog, language):
    from pyxform.xls2xform import convert

    path = write_xlsform(edition, form_catalog, tmp_path / "form.xlsx", language)
    warnings: list[str] = []
    result = convert(path.read_bytes(), warnings=warnings, file_type=".xlsx")
    assert result.warnings == [] and warnings == []
    xform = result.xform
    for code in LANGUAGES:
        assert f'<translation lang="{load(code).xlsform_language}"' in xform
    assert f'<translation lang="{load(language).xlsform_language}" default="true()">' in xform
    assert 'nodeset="/data/initiative"' in xform and "jr:template" in xform  # the repeat group
    assert "position(..)" in xform  # the initiative's number
    assert "instance('subcluster')/root/item[cluster= current()/../cluster ]" in xform  # the cascades
    assert "instance('recommendation')/root/item[selected(clusters,  current()/../cluster )]" in xform


def test_every_question_and_choice_is_labelled_in_every_language(edition, form_catalog):
    sheets = xlsform_sheets(edition, form_catalog, "vi")
    names = [load(c).xlsform_language for c in LANGUAGES]
    for row in sheets["survey"]:
        if any(k.startswith("label::") for k in row):
            assert all(row.get(f"label::{n}") for n in names), row["name"]
            if any(k.startswith("hint::") for k in row):
                assert all(row.get(f"hint::{n}") for n in names), row["name"]
    assert all(all(row.get(f"label::{n}") for n in names) for row in sheets["choices"])
    intro = next(row for row in sheets["survey"] if row["name"] == "intro")
    for code in LANGUAGES:
        assert (load(code)("notice.unreviewed") in intro[f"label::{load(code).xlsform_language}"]) == (not load(code).reviewed)
    types = {row["name"]: row["type"] for row in sheets["survey"] if row.get("name")}
    assert types["subcluster"] == "select_one subcluster" and types["recommendation_ids"] == "select_multiple recommendation"
    assert not {"source", "submission_time"} & set(types)
    filters = {row["name"]: row.get("choice_filter") for row in sheets["survey"] if row.get("choice_filter")}
    assert filters == {"subcluster": "cluster=${cluster}", "recommendation_ids": "selected(clusters, ${cluster})"}


# --- synthetic exports of the form -----------------------------------------------------------------

def _answers(form_catalog):
    """Two submissions, three initiatives, in codes."""
    recs = form_catalog.recommendations
    return [
        ({"respondent_id": "KHM-K", "organisation": "Kobo Org", "acronym": "KO", "country": "KHM", "constituency": "workers", "language": "vi"},
         [{"country": "KHM", "title": "Union desk", "description": "A help desk for migrant workers.", "cluster": "C", "subcluster": "C2", "recommendation_ids": " ".join(recs["C"][:2]), "start_year": "2019", "end_year": "", "status": "ongoing", "gender_responsive": "yes", "target_group": "migrant workers", "partners": "", "evidence_link": ""},
          {"country": "THA", "title": "Cross-border cases", "description": "Cases handled with a Thai union.", "cluster": "C", "subcluster": "C3", "recommendation_ids": "", "start_year": "2018", "end_year": "2020", "status": "completed", "gender_responsive": "unknown", "target_group": "", "partners": "", "evidence_link": ""}]),
        ({"respondent_id": "VNM-V", "organisation": "Viet Org", "acronym": "", "country": "VNM", "constituency": "civil_society", "language": "vi"},
         [{"country": "VNM", "title": "Hotline", "description": "Answers calls of returnees.", "cluster": "A", "subcluster": "A1", "recommendation_ids": recs["A"][0], "start_year": "2019", "end_year": "", "status": "planned", "gender_responsive": "no", "target_group": "", "partners": "", "evidence_link": ""}]),
    ]


def _form_fields(edition, form_catalog):
    """The group's and the repeat's question names, as the XLSForm declares them."""
    groups, current = {"respondent": [], "initiative": []}, None
    for row in xlsform_sheets(edition, form_catalog)["survey"]:
        if row["type"] in ("begin_group", "begin_repeat"):
            current = row["name"]
        elif row["type"] in ("end_group", "end_repeat"):
            current = None
        elif current and row["type"] != "note":
            groups[current].append(row["name"])
    return groups


def _label(messages, list_name, code):
    return F.coded_choices(messages)[list_name][code]


def test_a_kobotoolbox_xlsx_export_with_xml_names_goes_through_intake(tmp_path, edition, form_catalog, catalogue):
    from openpyxl import Workbook

    fields = _form_fields(edition, form_catalog)
    book = Workbook()
    main = book.active
    main.title = "AFML progress review questionna"  # Kobo cuts the form title to 31 characters
    main.append(["start", "end"] + [f"respondent/{n}" for n in fields["respondent"]] + ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by", "__version__", "_tags", "_index"])
    repeat = book.create_sheet("initiative")
    option_columns = [f"initiative/recommendation_ids/{r}" for r in form_catalog.recommendations["C"][:2]]
    repeat.append([f"initiative/{n}" for n in fields["initiative"]] + option_columns + ["_index", "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid"])
    position = 0
    for index, (respondent, initiatives) in enumerate(_answers(form_catalog), start=1):
        main.append(["2020-07-01T09:00:00.000+07:00", "2020-07-01T09:30:00.000+07:00"] + [respondent.get(n, "") for n in fields["respondent"]] + [index, f"uuid-{index}", f"2020-07-0{index}T02:30:00", "", "", "submitted_via_web", "", "v2", "", index])
        for number, initiative in enumerate(initiatives, start=1):
            position += 1
            values = initiative | {"initiative_id": str(number)}
            options = [int(r in initiative["recommendation_ids"].split()) for r in form_catalog.recommendations["C"][:2]]
            repeat.append([values.get(n, "") for n in fields["initiative"]] + options + [position, main.title, index, index, f"uuid-{index}"])
    folder = tmp_path / "survey"
    folder.mkdir()
    book.save(folder / "kobo.xlsx")
    result = run_intake(folder, tmp_path, catalogue)
    read = result.files.iloc[0]
    assert read["layout"] == "kobo_form_xlsx" and read["notes"] == ""
    assert (read["respondents_read"], read["initiatives_read"]) == (2, 3)
    assert result.problems.empty and result.quarantine.empty  # 0 rows lost
    assert result.respondents["submission_time"].tolist() == ["2020-07-01T02:30:00Z", "2020-07-02T02:30:00Z"]
    assert result.initiatives["uid"].tolist() == ["KHM-K:1", "KHM-K:2", "VNM-V:1"]
    assert result.initiatives["recommendation_ids"].iloc[0] == " ".join(sorted(form_catalog.recommendations["C"][:2]))


def test_a_kobotoolbox_export_with_vietnamese_labels_goes_through_intake(tmp_path, edition, form_catalog, catalogue):
    from openpyxl import Workbook

    vi = load("vi")
    fields = _form_fields(edition, form_catalog)
    group, repeat_label = vi("form.group.respondent"), vi("form.repeat.initiative")
    label = lambda n: vi("initiative.recommendation_ids.form_label") if n == "recommendation_ids" else vi(f"initiative.{n}.label")  # noqa: E731
    book = Workbook()
    main = book.active
    main.title = vi("title", edition=edition.shown_as)[:31]
    main.append([f"{group}/{vi(f'respondent.{n}.label')}" for n in fields["respondent"]] + ["_uuid", "_submission_time", "_index"])
    repeat = book.create_sheet(repeat_label)
    repeat.append([label(n) for n in fields["initiative"] if n != "initiative_id"] + ["_parent_index"])
    coded = {"country": "country", "constituency": "constituency", "language": "language", "status": "status", "gender_responsive": "gender_responsive"}
    for index, (respondent, initiatives) in enumerate(_answers(form_catalog), start=1):
        main.append([_label(vi, coded[n], respondent[n]) if n in coded and respondent[n] else respondent.get(n, "") for n in fields["respondent"]] + [f"uuid-{index}", "2020-07-01T00:00:00", index])
        for initiative in initiatives:
            cells = []
            for n in fields["initiative"]:
                if n == "initiative_id":
                    continue
                value = initiative.get(n, "")
                if n in coded and value:
                    value = _label(vi, coded[n], value)
                elif n == "cluster":
                    value = f"{value} – {form_catalog.clusters[value]}"
                cells.append(value)
            repeat.append(cells + [index])
    folder = tmp_path / "survey"
    folder.mkdir()
    book.save(folder / "kobo-labels.xlsx")
    result = run_intake(folder, tmp_path, catalogue)
    read = result.files.iloc[0]
    assert read["layout"] == "kobo_form_xlsx" and read["notes"] == ""
    assert (read["respondents_read"], read["initiatives_read"]) == (2, 3)
    assert result.problems.empty and result.quarantine.empty
    assert result.respondents[["country", "constituency", "language"]].values.tolist() == [["KHM", "workers", "vi"], ["VNM", "civil_society", "vi"]]
    assert result.initiatives[["country", "cluster", "status", "gender_responsive"]].values.tolist() == [["KHM", "C", "ongoing", "yes"], ["THA", "C", "completed", "unknown"], ["VNM", "A", "planned", "no"]]


@pytest.mark.parametrize("prefixed", [True, False], ids=["repeat-headers-with-group", "repeat-headers-bare"])
def test_an_odk_central_submissions_zip_goes_through_intake(tmp_path, edition, form_catalog, catalogue, prefixed):
    import csv

    fields = _form_fields(edition, form_catalog)
    form_id = xlsform_sheets(edition, form_catalog)["settings"][0]["form_id"]
    root_header = ["SubmissionDate", "start", "end"] + [f"respondent-{n}" for n in fields["respondent"]] + ["SET-OF-initiative", "meta-instanceID", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"]
    repeat_header = [f"initiative-{n}" if prefixed else n for n in fields["initiative"]] + ["PARENT_KEY", "KEY"]
    root_rows, repeat_rows = [], []
    for index, (respondent, initiatives) in enumerate(_answers(form_catalog), start=1):
        key = f"uuid:0000000{index}-aaaa-bbbb-cccc-dddddddddddd"
        root_rows.append(["2020-07-01T03:00:00.000Z", "", ""] + [respondent.get(n, "") for n in fields["respondent"]] + [f"{key}/initiative", key, key, "5", "field team", "0", "0", "", "approved", "", "0", "2"])
        for number, initiative in enumerate(initiatives, start=1):
            repeat_rows.append([(initiative | {"initiative_id": str(number)}).get(n, "") for n in fields["initiative"]] + [key, f"{key}/initiative[{number}]"])

    def table(header, rows):
        out = io.StringIO()
        csv.writer(out).writerows([header] + rows)
        return out.getvalue().encode("utf-8")

    folder = tmp_path / "survey"
    folder.mkdir()
    with zipfile.ZipFile(folder / "submissions.csv.zip", "w") as archive:
        archive.writestr(f"{form_id}.csv", table(root_header, root_rows))
        archive.writestr(f"{form_id}-initiative.csv", table(repeat_header, repeat_rows))
    result = run_intake(folder, tmp_path, catalogue)
    read = result.files.iloc[0]
    assert read["layout"] == "odk_zip" and read["notes"] == ""
    assert (read["respondents_read"], read["initiatives_read"]) == (2, 3)
    assert result.problems.empty and result.quarantine.empty  # 0 rows lost
    assert result.initiatives["uid"].tolist() == ["KHM-K:1", "KHM-K:2", "VNM-V:1"]
    assert result.initiatives["sheet"].tolist() == [f"{form_id}-initiative.csv"] * 3


def test_a_kobotoolbox_csv_with_label_headers_keeps_its_respondents(tmp_path, edition, form_catalog, catalogue):
    """Kobo's CSV export holds the main table only; with labels (and group labels) as headers."""
    id_ = load("id")
    fields = _form_fields(edition, form_catalog)["respondent"]
    group = id_("form.group.respondent")
    header = [f"{group}/{id_(f'respondent.{n}.label')}" for n in fields] + ["_uuid", "_submission_time"]
    respondent = _answers(form_catalog)[0][0]
    coded = {"country", "constituency", "language"}
    row = [_label(id_, n, respondent[n]) if n in coded else respondent[n] for n in fields] + ["u-1", "2020-07-01T00:00:00"]
    folder = tmp_path / "survey"
    folder.mkdir()
    (folder / "kobo.csv").write_text(",".join(header) + "\n" + ",".join(f'"{v}"' for v in row) + "\n", encoding="utf-8")
    result = run_intake(folder, tmp_path, catalogue)
    assert result.files["layout"].item() == "kobo_form_csv" and result.problems.empty
    assert result.respondents[["respondent_id", "country", "constituency", "language"]].values.tolist() == [["KHM-K", "KHM", "workers", "vi"]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_question_labels_are_distinct_so_label_headers_map_to_one_field(language):
    messages = load(language)
    labels = [messages(f"respondent.{n}.label") for n in F.RESPONDENT_QUESTIONS]
    labels += [messages("initiative.recommendation_ids.form_label" if c.number else f"{c.key}.label") for c in F.initiative_columns() if c.number <= 1]
    assert len({label.lower() for label in labels}) == len(labels)
