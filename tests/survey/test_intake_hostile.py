"""Survey intake against hostile and broken inputs (issue 10): encodings, headers, identity,
files, value hygiene. Every file is made here; every test checks the message (file, row or sheet,
column, value) and that accepted + quarantined = rows read."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pipelines.survey import readers
from pipelines.survey.intake import catalogue_for, run_intake
from pipelines.survey.readers import read_file, survey_files

NOW = dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc)  # the build's "now" for every test here
THAI = "โครงการคุ้มครองแรงงานข้ามชาติ"
VIET = "Hỗ trợ lao động di cư"
COMPILATION = ["initiative_id", "country", "title", "description", "cluster", "source"]
KOBO = ["respondent/respondent_id", "respondent/organisation", "respondent/country", "respondent/constituency",
        "initiative/initiative_id", "initiative/country", "initiative/title", "initiative/description", "initiative/cluster",
        "_uuid", "_submission_time"]


@pytest.fixture(scope="module")
def catalogue(catalog, edition):
    return catalogue_for(edition, catalog["clusters"], catalog["subclusters"], catalog["recommendations"])


def table(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def lit(iid: str, title: str, description: str = "A description.", country: str = "THA", cluster: str = "A") -> list[str]:
    return [iid, country, title, description, cluster, "literature_review"]


def kobo_row(rid="IDN-MOM", org="Ministry of Manpower", country="IDN", constituency="government", iid="1", title="Job fair", description="A fair for returnees.", cluster="A", uuid="u1", time="2020-06-01T00:00:00Z") -> list[str]:
    return [rid, org, country, constituency, iid, country, title, description, cluster, uuid, time]


def intake(tmp_path: Path, files: dict[str, bytes | str], catalogue, now=NOW):
    folder = tmp_path / "survey"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return run_intake(folder, tmp_path, catalogue, now=now)


def failures(result) -> list[str]:
    """Structural failures, without the one that only says no respondent is in a folder of compilations."""
    return [s for s in result.structural if not s.startswith("no respondent at all")]


def conserved(result) -> None:
    """Accepted + quarantined = rows read: nothing lost."""
    assert len(result.respondents) + len(result.initiatives) + len(result.quarantine) == result.rows_read


def problem(result, file: str, row: int, column: str) -> dict:
    hits = result.problems[(result.problems["file"] == file) & (result.problems["row"] == row) & (result.problems["column"] == column)]
    assert len(hits) >= 1, result.problems[["file", "row", "column", "value", "reason"]].to_string()
    return hits.iloc[0].to_dict()


# --- 1. Encodings ----------------------------------------------------------------------------

UNICODE_FORMS = [
    ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
    ("utf-16-le", b""), ("utf-16-be", b""), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
    ("utf-32-le", b""), ("utf-32-be", b""), ("utf-32-le", b"\xff\xfe\x00\x00"), ("utf-32-be", b"\x00\x00\xfe\xff"),
]


@pytest.mark.parametrize("codec,bom", UNICODE_FORMS, ids=[f"{c}{'-bom' if b else ''}" for c, b in UNICODE_FORMS])
def test_unicode_encodings_are_recognised_by_bom_and_by_content(tmp_path, catalogue, codec, bom):
    text = table(COMPILATION, [lit("1", THAI), lit("2", VIET, country="VNM"), lit("3", "Décret sur l'emploi", country="VNM")])
    result = intake(tmp_path, {"c.csv": bom + text.encode(codec)}, catalogue)
    assert not failures(result) and result.problems.empty
    assert list(result.initiatives["title"]) == [THAI, VIET, "Décret sur l'emploi"]
    assert result.files["encoding"].item() == ("utf-8-sig" if codec == "utf-8" and bom else codec)
    conserved(result)


def test_thai_cp874_is_detected_with_confidence_and_not_turned_into_mojibake(tmp_path, catalogue):
    text = table(COMPILATION, [lit("1", THAI, "ศูนย์ช่วยเหลือแรงงานข้ามชาติในจังหวัดสมุทรสาคร"), lit("2", "สายด่วนแรงงาน", "บริการข้อมูลสำหรับแรงงานข้ามชาติ")])
    result = intake(tmp_path, {"thai.csv": text.encode("cp874")}, catalogue)
    assert list(result.initiatives["title"]) == [THAI, "สายด่วนแรงงาน"]
    assert result.files["encoding"].item() == "cp874" and "detected" in result.files["notes"].item()
    conserved(result)


def test_an_undeclared_legacy_file_is_refused_with_what_to_save_as_and_a_declared_one_is_read(tmp_path, catalogue):
    text = table(COMPILATION, [lit("1", "Œuvre sociale à 5 €", "Coût réduit pour les travailleurs migrants", country="VNM")])
    refused = intake(tmp_path / "a", {"latin9.csv": text.encode("iso8859-15")}, catalogue)
    assert len(failures(refused)) == 1
    message = failures(refused)[0]
    assert message.startswith('"survey/latin9.csv": encoding:') and 'save it as "CSV UTF-8"' in message and '"latin9.cp1252.csv"' in message
    assert refused.initiatives.empty and refused.rows_read == 0
    declared = intake(tmp_path / "b", {"latin9.iso-8859-15.csv": text.encode("iso8859-15")}, catalogue)
    assert list(declared.initiatives["title"]) == ["Œuvre sociale à 5 €"]
    assert declared.files["encoding"].item() == "iso8859-15" and "declared in the file name" in declared.files["notes"].item()
    conserved(declared)


def test_rows_in_another_encoding_inside_a_utf8_file_are_reported_row_by_row(tmp_path, catalogue):
    data = (table(COMPILATION, [lit("1", "Décret sur l'emploi", country="VNM")]).encode("utf-8")
            + table(COMPILATION, [lit("2", "Décret cp1252", country="VNM")]).split("\n", 1)[1].encode("cp1252")
            + table(COMPILATION, [lit("3", VIET, country="VNM")]).split("\n", 1)[1].encode("utf-8"))
    result = intake(tmp_path, {"mixed.csv": data}, catalogue)
    assert list(result.initiatives["title"]) == ["Décret sur l'emploi", VIET]  # the UTF-8 rows are not re-decoded
    found = problem(result, "survey/mixed.csv", 3, "title")
    assert found["value"] == "D\ufffdcret cp1252" and "not UTF-8" in found["reason"] and "CSV UTF-8" in found["reason"]
    assert set(result.problems["row"]) == {3}
    assert "some rows are not UTF-8" in result.files["notes"].item()
    conserved(result)


# --- 2. Headers ------------------------------------------------------------------------------

def test_harmless_header_differences_are_normalised(tmp_path, catalogue):
    compilation = table(["initiative_id ", "\u00a0Country", "TITLE", "Descrip\u200btion", "cluster\u00a0", " Source"], [lit("1", "Helpdesk")])
    form = table([h.upper() + " " if h.startswith("respondent/") else h.replace("/", " / ") for h in KOBO], [kobo_row()])
    result = intake(tmp_path, {"c.csv": compilation, "k.csv": form}, catalogue)
    assert result.problems.empty and not failures(result)
    assert sorted(result.initiatives["title"]) == ["Helpdesk", "Job fair"] and list(result.respondents["respondent_id"]) == ["IDN-MOM"]
    conserved(result)


def test_an_unknown_or_renamed_optional_column_is_reported_with_the_nearest_name(tmp_path, catalogue):
    text = table(COMPILATION + ["partner", "remarks"], [lit("1", "Helpdesk") + ["ILO; IOM", ""], lit("2", "Hotline") + ["UN Women", ""]])
    result = intake(tmp_path, {"c.csv": text}, catalogue)
    partner = problem(result, "survey/c.csv", 1, "partner")
    assert partner["value"] == "partner" and 'did you mean "partners"?' in partner["reason"] and "2 answer(s) were not read" in partner["reason"]
    remarks = problem(result, "survey/c.csv", 1, "remarks")
    assert "unknown column" in remarks["reason"] and "not read" not in remarks["reason"]
    assert len(result.initiatives) == 2  # the other columns are read
    conserved(result)


@pytest.mark.parametrize("layout", ["kobo_csv", "compilation_csv", "workbook"])
def test_a_missing_required_column_makes_the_file_unusable_with_one_message(tmp_path, catalogue, catalog, edition, layout):
    if layout == "kobo_csv":
        name, nearest = "k.csv", "initiative/descripton"
        data = table([nearest if h == "initiative/description" else h for h in KOBO], [kobo_row(iid=str(i), uuid="u1") for i in range(1, 50)])
        files = {name: data}
    elif layout == "compilation_csv":
        name, nearest = "c.csv", "descripton"
        files = {name: table([nearest if h == "description" else h for h in COMPILATION], [lit(str(i), f"T{i}") for i in range(1, 50)])}
    else:  # the first questionnaire layout (sheets Respondent and Initiatives, read by heading)
        from openpyxl import Workbook

        from pipelines.survey.model import INITIATIVE_FIELDS, RESPONDENT_FIELDS

        name, nearest = "q.xlsx", "Descripton"
        book = Workbook()
        sheet = book.active
        sheet.title = "Respondent"
        sheet.append(["Question", "Answer", "field"])
        answers = {"respondent_id": "SGP-Z", "organisation": "Z", "country": "SGP", "constituency": "workers"}
        for f in RESPONDENT_FIELDS:
            sheet.append([f.label, answers.get(f.name, ""), f.name])
        initiatives = book.create_sheet("Initiatives")
        initiatives.append([nearest if f.name == "description" else f.label for f in INITIATIVE_FIELDS])
        for i in range(1, 50):
            initiatives.append([{"initiative_id": str(i), "country": "SGP", "title": f"T{i}", "description": "D.", "cluster": "F"}.get(f.name, "") for f in INITIATIVE_FIELDS])
        path = tmp_path / "q.xlsx"
        book.save(path)
        files = {name: path.read_bytes()}
    result = intake(tmp_path, files, catalogue)
    assert len(failures(result)) == 1, result.structural
    message = failures(result)[0]
    assert message.startswith(f'"survey/{name}"') and "required column" in message and "Description" in message.replace("description", "Description")
    assert f'nearest header found: "{nearest}"' in message
    assert result.problems.empty  # not one error per row
    assert result.initiatives.empty and result.rows_read == 0
    conserved(result)


def test_an_unknown_layout_names_the_headers_that_did_not_match_never_raw_bytes(tmp_path, catalogue):
    result = intake(tmp_path, {"odd.csv": "Name\u00a0,Âge,titel,country\nx,1,2,THA\n"}, catalogue)
    [message] = failures(result)
    assert message.startswith('"survey/odd.csv", row 1: unknown layout: the headers "Name\u00a0", "Âge", "titel" (did you mean "title"?) match neither')
    assert '"country"' not in message and "\\x" not in message and "b'" not in message
    conserved(result)


# --- 3. Identity and resubmission -------------------------------------------------------------

def test_spellings_of_one_id_are_one_respondent(tmp_path, catalogue):
    files = {
        "a.csv": table(KOBO, [kobo_row(rid="IDN-MOM", uuid="u1", time="2020-06-01T00:00:00Z")]),
        "b.csv": table(KOBO, [kobo_row(rid="idn-mom", uuid="u2", time="2020-06-02T00:00:00Z", title="Second")]),
        "c.csv": table(KOBO, [kobo_row(rid="IDN-\u200bMOM ", org="ministry of  manpower", uuid="u3", time="2020-06-03T00:00:00Z", title="Third")]),
    }
    result = intake(tmp_path, files, catalogue)
    assert list(result.respondents["respondent_id"]) == ["IDN-MOM"]
    assert list(result.initiatives["title"]) == ["Third"] and list(result.initiatives["uid"]) == ["IDN-MOM:1"]
    assert (result.quarantine["disposition"] == "superseded").sum() == 4 and result.problems.empty
    assert 'respondent id "idn-mom" read as IDN-MOM' in result.log and 'respondent id "IDN-\u200bMOM" read as IDN-MOM' in result.log
    conserved(result)


def test_a_conflicting_claim_on_an_id_is_rejected_and_the_earlier_data_stays(tmp_path, catalogue):
    files = {
        "a.csv": table(KOBO, [kobo_row(uuid="u1", time="2020-06-01T00:00:00Z")]),
        "b.csv": table(KOBO, [kobo_row(org="Philippine Overseas Employment Administration", country="PHL", uuid="u2", time="2020-07-01T00:00:00Z", title="Intruder")]),
        "c.csv": table(KOBO, [kobo_row(uuid="u3", time="2020-08-01T00:00:00Z", title="Job fair, updated")]),  # the owner's own resubmission
    }
    result = intake(tmp_path, files, catalogue)
    assert result.respondents[["respondent_id", "organisation", "country", "file"]].values.tolist() == [["IDN-MOM", "Ministry of Manpower", "IDN", "survey/c.csv"]]
    assert list(result.initiatives["title"]) == ["Job fair, updated"]  # a later resubmission by the owner does not hide the conflict
    found = problem(result, "survey/b.csv", 2, "respondent_id")
    assert found["value"] == "IDN-MOM" and 'already belongs to "Ministry of Manpower" (IDN) in "survey/a.csv"' in found["reason"]
    assert found["respondent_id"] == ""  # reported to the sender of b.csv, not in the owner's report
    assert set(result.quarantine.loc[result.quarantine["file"] == "survey/b.csv", "disposition"]) == {"rejected"}
    conserved(result)


@pytest.mark.parametrize("broken", ["respondent", "initiatives"])
def test_an_unusable_resubmission_leaves_the_earlier_one_standing(tmp_path, catalogue, broken):
    later = kobo_row(uuid="u2", time="2020-07-01T00:00:00Z", title="Later")
    later[3 if broken == "respondent" else 8] = "aliens" if broken == "respondent" else "K"
    result = intake(tmp_path, {"a.csv": table(KOBO, [kobo_row(uuid="u1")]), "b.csv": table(KOBO, [later])}, catalogue)
    assert list(result.respondents["respondent_id"]) == ["IDN-MOM"] and list(result.respondents["file"]) == ["survey/a.csv"]
    assert list(result.initiatives["title"]) == ["Job fair"]
    column = "constituency" if broken == "respondent" else "cluster"
    value = "aliens" if broken == "respondent" else "K"
    assert problem(result, "survey/b.csv", 2, column)["value"] == value
    if broken == "initiatives":
        assert "resubmission was not used" in problem(result, "survey/b.csv", 2, "respondent_id")["reason"]
    assert any("could not be used" in line and '"survey/a.csv" stays' in line for line in result.log)
    assert set(result.quarantine["disposition"]) == {"rejected"}
    conserved(result)


def test_a_form_export_without_instance_ids_groups_rows_by_respondent(tmp_path, catalogue):
    header = [h for h in KOBO if h != "_uuid"]
    rows = [kobo_row(iid="1"), kobo_row(iid="2", title="Second"), kobo_row(rid="LAO-L", org="Lao union", country="LAO", constituency="workers", iid="1", title="Lao desk"), kobo_row(iid="3", title="Third")]
    result = intake(tmp_path, {"k.csv": table(header, [r[:9] + r[10:] for r in rows])}, catalogue)
    assert sorted(result.respondents["respondent_id"]) == ["IDN-MOM", "LAO-L"]
    assert sorted(result.initiatives["uid"]) == ["IDN-MOM:1", "IDN-MOM:2", "IDN-MOM:3", "LAO-L:1"]
    assert result.quarantine.empty and result.problems.empty
    conserved(result)


# --- 4. Files --------------------------------------------------------------------------------

def test_a_link_in_the_survey_folder_is_reported_and_never_followed(tmp_path, catalogue):
    secret = tmp_path / "outside.csv"
    secret.write_text("SECRET-FIRST-LINE,x\n1,2\n", encoding="utf-8")
    folder = tmp_path / "survey"
    folder.mkdir()
    (folder / "ok.csv").write_text(table(COMPILATION, [lit("1", "Helpdesk")]), encoding="utf-8")
    os.symlink(secret, folder / "answers.csv")
    result = run_intake(folder, tmp_path, catalogue, now=NOW)
    [message] = failures(result)
    assert message.startswith('"survey/answers.csv"') and "is a link" in message
    everything = " ".join(result.structural + result.log) + result.files.to_string() + result.problems.to_string()
    assert "SECRET" not in everything and "outside" not in everything
    assert [p.name for p in survey_files(folder)] == ["ok.csv"]  # the sensor does not hash the target either
    assert read_file(folder / "answers.csv", "answers.csv").problems
    conserved(result)
    os.symlink(folder, tmp_path / "linked-survey")  # a survey folder that is itself a link
    linked = run_intake(tmp_path / "linked-survey", tmp_path, catalogue, now=NOW)
    assert linked.structural[0].startswith('"linked-survey": is a link') and linked.rows_read == 0


def _workbook(tmp_path: Path, rows: int = 3) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Respondent"
    sheet.append(["Question", "Answer", "field"])
    initiatives = book.create_sheet("Initiatives")
    for i in range(rows):
        initiatives.append([f"v{i}-{j}" for j in range(10)])
    path = tmp_path / "w.xlsx"
    book.save(path)
    return path


def _rewrite(path: Path, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, change(item.filename, source.read(item.filename)))
    return out.getvalue()


@pytest.fixture()
def no_parser(monkeypatch):
    """openpyxl must not even be asked to open a refused workbook."""
    import openpyxl

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook reached the parser")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_a_workbook_declaring_a_huge_sheet_is_refused_before_parsing(tmp_path, catalogue, no_parser):
    path = _workbook(tmp_path)
    data = _rewrite(path, lambda name, body: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', body) if name == "xl/worksheets/sheet2.xml" else body)
    assert len(data) < 30_000
    result = intake(tmp_path, {"huge.xlsx": data}, catalogue)
    [message] = failures(result)
    assert message.startswith('"survey/huge.xlsx": workbook refused before opening') and 'sheet "Initiatives" declares the range A1:XFD1048576' in message
    conserved(result)


def test_a_sheet_with_more_cells_than_the_limit_is_refused_by_counting(tmp_path, catalogue, monkeypatch, no_parser):
    monkeypatch.setattr(readers, "MAX_SHEET_CELLS", 25)
    path = _workbook(tmp_path, rows=3)  # 30 cells, and no dimension to tell
    data = _rewrite(path, lambda name, body: re.sub(rb"<dimension [^>]*/>", b"", body))
    result = intake(tmp_path, {"many.xlsx": data}, catalogue)
    [message] = failures(result)
    assert 'sheet "Initiatives" has more than 25 cells' in message
    conserved(result)


def test_a_zip_bomb_under_the_size_limit_is_refused_by_its_compression_ratio(tmp_path, catalogue, no_parser):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/sharedStrings.xml", b"<sst>" + b" " * (20 * 1024 * 1024) + b"</sst>")
    assert len(out.getvalue()) < 100_000 < readers.MAX_FILE_BYTES[".xlsx"]
    result = intake(tmp_path, {"bomb.xlsx": out.getvalue()}, catalogue)
    [message] = failures(result)
    assert '"xl/sharedStrings.xml" is compressed' in message and "zip bomb" in message
    conserved(result)


def test_a_zip_bomb_lying_about_its_sizes_is_stopped_while_unpacking(tmp_path, catalogue, no_parser):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet>" + b" " * (20 * 1024 * 1024))
    data = bytearray(out.getvalue())
    # forge the declared uncompressed size (local header and central directory) to 1 000 bytes
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.find(signature)
        data[start + offset:start + offset + 4] = (1000).to_bytes(4, "little")
    result = intake(tmp_path, {"liar.xlsx": bytes(data)}, catalogue)
    [message] = failures(result)
    assert "refused" in message or "unreadable" in message
    conserved(result)


def test_file_names_are_quoted_so_no_name_can_forge_a_log_line(tmp_path, catalogue):
    name = "evil\n2026-01-01 INFO all files accepted.csv"
    result = intake(tmp_path, {name: b"\x00\x01garbage", "ok.csv": table(COMPILATION, [lit("1", "Helpdesk")])}, catalogue)
    [message] = failures(result)
    assert message.startswith('"survey/evil\\n2026-01-01 INFO all files accepted.csv"')
    assert all("\n" not in line for line in result.structural + result.log)
    conserved(result)


# --- 5. Value hygiene ------------------------------------------------------------------------

def test_control_characters_and_direction_overrides_are_rejected_with_a_report(tmp_path, catalogue):
    rows = [lit("1", "Null\x00byte"), lit("2", "Safe title", "Reversed \u202etxet\u202c here"), lit("3", "Isolate \u2066x\u2069"),
            lit("4", "ความปลอดภัย\u200bของแรงงาน", "Thai text with a zero-width space between words.\nSecond line.")]
    result = intake(tmp_path, {"c.csv": table(COMPILATION, rows)}, catalogue)
    assert problem(result, "survey/c.csv", 2, "title")["value"] == "Null[U+0000]byte"
    reversed_ = problem(result, "survey/c.csv", 3, "description")
    assert reversed_["value"] == "Reversed [U+202E]txet[U+202C] here" and "text-direction overrides" in reversed_["reason"]
    assert problem(result, "survey/c.csv", 4, "title")["value"] == "Isolate [U+2066]x[U+2069]"
    assert list(result.initiatives["initiative_id"]) == ["4"]  # ZWSP and a line break are ordinary text
    assert (result.quarantine["disposition"] == "rejected").sum() == 3
    conserved(result)


def test_over_long_answers_are_quarantined_and_shown_cut(tmp_path, catalogue):
    rows = [lit("1", "T" * 301), lit("2", "Long description", "x" * 1_000_000), lit("3", "T" * 300, "y" * 4000)]
    result = intake(tmp_path, {"c.csv": table(COMPILATION, rows)}, catalogue)
    title = problem(result, "survey/c.csv", 2, "title")
    assert "longer than 300 characters (301)" in title["reason"] and title["value"].endswith("… (301 characters)")
    description = problem(result, "survey/c.csv", 3, "description")
    assert "longer than 4000 characters (1000000)" in description["reason"] and len(description["value"]) < 200
    assert list(result.initiatives["initiative_id"]) == ["3"]  # exactly at the limits is fine
    conserved(result)


def test_a_submission_time_in_the_future_is_a_problem_and_never_the_build_date(tmp_path, catalogue, edition):
    from pipelines.report.assets import build_date_for

    rows = [kobo_row(uuid="u1", time="2099-01-01T00:00:00Z"), kobo_row(rid="LAO-L", org="Lao union", country="LAO", uuid="u2", time="2010-01-01T00:00:00Z"),
            kobo_row(rid="KHM-K", org="Khmer union", country="KHM", uuid="u3", time="2020-09-01T00:00:00Z")]
    result = intake(tmp_path, {"k.csv": table(KOBO, rows)}, catalogue)
    future = problem(result, "survey/k.csv", 2, "submission_time")
    assert future["value"] == "2099-01-01T00:00:00Z" and "cannot come from the future" in future["reason"]
    assert "before the review period" in problem(result, "survey/k.csv", 3, "submission_time")["reason"]
    assert list(result.respondents["respondent_id"]) == ["KHM-K"]
    assert build_date_for(edition, result.respondents).date() == edition.publication_date
    forged = pd.DataFrame({"submission_time": ["2099-01-01T00:00:00Z"]})  # even if one got through
    assert build_date_for(edition, forged).date() == edition.publication_date
    conserved(result)


def test_a_cell_beyond_the_column_limit_is_refused_by_streaming(tmp_path, catalogue, no_parser):
    path = _workbook(tmp_path)
    far = b'<c r="XFD2" t="inlineStr"><is><t>far</t></is></c></row>'
    data = _rewrite(path, lambda name, body: re.sub(rb"<dimension [^>]*/>", b"", body).replace(b"</row>", far, 1) if name == "xl/worksheets/sheet2.xml" else body)
    result = intake(tmp_path, {"wide.xlsx": data}, catalogue)
    [message] = failures(result)
    assert 'sheet "Initiatives" has a cell in column XFD' in message
    conserved(result)


def test_a_utf8_file_with_bom_and_some_cp1252_rows_is_reported_row_by_row(tmp_path, catalogue):
    data = (b"\xef\xbb\xbf" + table(COMPILATION, [lit("1", VIET, country="VNM")]).encode("utf-8")
            + table(COMPILATION, [lit("2", "Caf\u00e9 workers")]).split("\n", 1)[1].encode("cp1252"))
    result = intake(tmp_path, {"bom-mixed.csv": data}, catalogue)
    assert list(result.initiatives["title"]) == [VIET]
    assert problem(result, "survey/bom-mixed.csv", 3, "title")["value"] == "Caf\ufffd workers"
    conserved(result)


def test_a_name_declaring_a_legacy_code_page_for_a_utf8_file_is_refused(tmp_path, catalogue):
    result = intake(tmp_path, {"answers.cp874.csv": table(COMPILATION, [lit("1", THAI)]).encode("utf-8")}, catalogue)
    [message] = failures(result)
    assert message.startswith('"survey/answers.cp874.csv": encoding:') and 'declares cp874 but the file is UTF-8: remove ".cp874"' in message
    assert result.initiatives.empty
    conserved(result)


def test_a_look_alike_respondent_id_is_a_problem_not_a_new_respondent(tmp_path, catalogue):
    cyrillic = "\u0406DN-MOM"  # Cyrillic capital I
    result = intake(tmp_path, {"a.csv": table(KOBO, [kobo_row(uuid="u1")]), "b.csv": table(KOBO, [kobo_row(rid=cyrillic, uuid="u2", title="Spoof")]),
                               "c.csv": table(KOBO, [kobo_row(rid="ＩＤＮ－ＭＯＭ", uuid="u3", time="2020-06-05T00:00:00Z", title="Fullwidth")])}, catalogue)
    assert list(result.respondents["respondent_id"]) == ["IDN-MOM"] and list(result.initiatives["title"]) == ["Fullwidth"]
    spoof = problem(result, "survey/b.csv", 2, "respondent_id")
    assert spoof["value"] == cyrillic and "letters A–Z" in spoof["reason"]
    conserved(result)


def test_line_and_paragraph_separators_are_rejected_too(tmp_path, catalogue):
    result = intake(tmp_path, {"c.csv": table(COMPILATION, [lit("1", "One\u2028Two")])}, catalogue)
    assert problem(result, "survey/c.csv", 2, "title")["value"] == "One[U+2028]Two"
    conserved(result)


def test_a_column_without_a_header_is_reported_only_when_it_holds_answers(tmp_path, catalogue):
    text = table(COMPILATION + ["", ""], [lit("1", "Helpdesk") + ["stray note", ""], lit("2", "Hotline") + ["", ""]])
    result = intake(tmp_path, {"c.csv": text}, catalogue)
    found = problem(result, "survey/c.csv", 1, "column 7")
    assert "a column without a header" in found["reason"] and "1 answer(s) were not read" in found["reason"]
    assert len(result.problems) == 1 and len(result.initiatives) == 2  # the empty 8th column is not noise
    conserved(result)


def test_a_malformed_csv_is_named_on_one_line(tmp_path, catalogue):
    text = table(COMPILATION, [lit("1", "Helpdesk")]) + '2,THA,"Unclosed quote,x,A,literature_review\n'
    result = intake(tmp_path, {"bad\rname.csv": text}, catalogue)
    [message] = failures(result)
    assert message.startswith('"survey/bad\\rname.csv": unreadable:') and "\n" not in message and "\r" not in message
    conserved(result)


def test_a_form_export_workbook_with_a_renamed_required_column_names_the_sheet(tmp_path, catalogue):
    from openpyxl import Workbook

    book = Workbook()
    main = book.active
    main.title = "AFML"
    main.append(["respondent/respondent_id ", "Respondent/Organisation", "respondent/country", "respondent/constituency", "_uuid", "_submission_time", "_index"])
    main.append(["KHM-K", "Kobo Org", "KHM", "workers", "uuid-7", "2020-07-02T10:00:00Z", 1])
    repeat = book.create_sheet("initiatives")
    repeat.append(["initiative/initiative_id", "initiative/country", "initiative/titel", "initiative/description", "initiative/cluster", "_parent_index"])
    for i in range(1, 30):
        repeat.append([str(i), "KHM", f"T{i}", "D.", "C", 1])
    folder = tmp_path / "survey"
    folder.mkdir()
    book.save(folder / "kobo.xlsx")
    result = run_intake(folder, tmp_path, catalogue, now=NOW)
    [message] = failures(result)
    assert message.startswith('"survey/kobo.xlsx", sheet "initiatives", row 1, column "initiative/title": required column') and 'nearest header found: "initiative/titel"' in message
    assert result.problems.empty and result.rows_read == 0
    conserved(result)


def test_a_kobo_export_of_the_xlsform_with_a_renamed_required_column_is_one_message(tmp_path, catalogue):
    from openpyxl import Workbook

    def export(path: Path, description_header: str) -> None:
        book = Workbook()
        main = book.active
        main.title = "AFML progress review"
        main.append(["respondent/respondent_id", "respondent/organisation\u00a0", "respondent/country", "respondent/constituency", "_uuid", "_submission_time", "_index"])
        main.append(["KHM-K", "Kobo Org", "KHM", "workers", "uuid-1", "2020-07-01T02:30:00", 1])
        repeat = book.create_sheet("initiative")
        repeat.append(["initiative/initiative_id", "initiative/country", "initiative/title", description_header, "initiative/cluster", "_index", "_parent_index"])
        for i in range(1, 40):
            repeat.append([str(i), "KHM", f"T{i}", "D.", "C", i, 1])
        book.save(path)

    folder = tmp_path / "survey"
    folder.mkdir()
    export(folder / "good.xlsx", "initiative/description\u200b")  # harmless differences: NBSP, zero-width space
    export(folder / "renamed.xlsx", "initiative/descripton")
    result = run_intake(folder, tmp_path, catalogue, now=NOW)
    [message] = failures(result)
    assert message.startswith('"survey/renamed.xlsx", sheet "initiative", row 1, column "description": required column') and 'nearest header found: "initiative/descripton"' in message
    read = result.files.set_index("file")
    assert read.loc["survey/good.xlsx", "layout"] == "kobo_form_xlsx" and read.loc["survey/good.xlsx", "initiatives_read"] == 39
    assert read.loc["survey/renamed.xlsx", "initiatives_read"] == 0 and result.problems.empty  # not 39 "required" errors
    assert len(result.initiatives) == 39
    conserved(result)
