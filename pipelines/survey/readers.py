"""Reading survey files of every accepted layout into the same raw records.

Layouts (recognised by their content, not their name):

- ``questionnaire``, ``kobo_form_xlsx``, ``kobo_form_csv``, ``odk_zip``, ``odk_csv``: the protected
  questionnaire workbook (any language) and the KoboToolbox / ODK Central exports of its XLSForm, read
  by :mod:`pipelines.survey.form_readers`;
- ``workbook``: the first questionnaire XLSX filled in by one respondent (sheets Respondent, Initiatives);
- ``kobo_csv``: a consolidated CSV export of the online form (KoboToolbox style: ``group/field``
  headers, ``_uuid`` and ``_submission_time``; a submission with several initiatives spans several
  rows sharing its ``_uuid``);
- ``kobo_xlsx``: the KoboToolbox XLSX export (main sheet, plus the ``initiatives`` repeat group on its
  own sheet linked by ``_index`` / ``_parent_index``);
- ``compilation_csv``: initiatives compiled by the review team from the literature review or the
  preparatory meetings (one row per initiative, no respondent).

Nothing is validated here beyond the layout: every row read comes out, with its file, sheet and row,
as one table of respondents and one of initiatives (all cells text; meta columns start with ``_``).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipelines.sourcefiles import SourceProblem
from pipelines.survey import form_readers
from pipelines.survey.model import INITIATIVE_COLUMNS, RESPONDENT_COLUMNS, field_by_label

MAX_FILE_BYTES = {".xlsx": 20 * 1024 * 1024, ".csv": 1024 * 1024 * 1024, ".zip": 200 * 1024 * 1024}  # a questionnaire is a few hundred kB
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # guards against zip bombs before openpyxl sees the file
MAX_ZIP_MEMBERS = 2000
MAX_ROWS = 2_000_000
IGNORED_PREFIXES = ("~$", ".~lock", ".")  # editor lock files and hidden files
IGNORED_SUFFIXES = (".tmp", ".part", ".crdownload", "#")
ACCEPTED_SUFFIXES = (".xlsx", ".csv", ".zip")  # .zip: ODK Central submissions.csv.zip
KOBO_SYSTEM = {"_id", "_uuid", "_submission_time", "_validation_status", "_status", "_submitted_by", "__version__", "_index", "_parent_index", "_parent_table_name", "_notes", "_tags", "start", "end", "today", "deviceid", "meta/instanceID", "formhub/uuid", "_xform_id_string"}


META = ["_file", "_sheet", "_row", "_submission"]  # where a row came from; _submission groups one response


def record(file: str, sheet: str, row: int, submission: str, values: dict[str, str]) -> dict[str, object]:
    return {"_file": file, "_sheet": sheet, "_row": row, "_submission": submission, **values}


def as_frame(rows: list[dict], fields: list[str]) -> pd.DataFrame:
    """Rows as a table with every field present (missing answers are empty strings)."""
    frame = pd.DataFrame(rows, columns=META + fields)
    text = [c for c in frame.columns if c != "_row"]
    frame[text] = frame[text].astype(object).fillna("").astype(str)
    frame["_row"] = frame["_row"].astype("int64")
    return frame


@dataclass
class FileRead:
    file: str
    layout: str
    encoding: str
    sha256: str
    respondents: pd.DataFrame = field(default_factory=lambda: as_frame([], RESPONDENT_COLUMNS))
    initiatives: pd.DataFrame = field(default_factory=lambda: as_frame([], INITIATIVE_COLUMNS))
    problems: list[SourceProblem] = field(default_factory=list)  # structural: the file could not be used
    notes: list[str] = field(default_factory=list)


def is_survey_file(path: Path) -> bool:
    """Whether a file in a survey folder is meant to be read (not a lock file, temp file or hidden file)."""
    name = path.name
    return path.is_file() and name.lower().endswith(ACCEPTED_SUFFIXES) and not name.startswith(IGNORED_PREFIXES) and not name.endswith(IGNORED_SUFFIXES)


def survey_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if is_survey_file(p)) if folder.exists() else []


def _text(value: object) -> str:
    """A cell as text: Excel numbers that are whole become integers ("2019", not "2019.0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def read_text_csv(data: bytes) -> tuple[pd.DataFrame, str]:
    """A CSV in UTF-8 (with or without BOM) if it decodes as such, else Windows-1252.

    Returns the table (every cell a string, nothing turned into NaN) and the encoding used.
    """
    options = {"dtype": str, "keep_default_na": False, "na_filter": False}
    if data.startswith(b"\xef\xbb\xbf"):
        return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", **options), "utf-8-sig"
    try:
        return pd.read_csv(io.BytesIO(data), encoding="utf-8", encoding_errors="strict", **options), "utf-8"
    except UnicodeDecodeError:
        return pd.read_csv(io.BytesIO(data), encoding="cp1252", encoding_errors="strict", **options), "cp1252"


def read_file(path: Path, display_name: str) -> FileRead:
    """Read one survey file of any accepted layout."""
    data = path.read_bytes()
    result = FileRead(display_name, layout="unknown", encoding="", sha256=hashlib.sha256(data).hexdigest())
    limit = MAX_FILE_BYTES[path.suffix.lower()]
    if len(data) > limit:
        result.problems.append(SourceProblem(display_name, None, "", f"{len(data)} bytes", f"file larger than {limit} bytes"))
        return result
    try:
        if path.suffix.lower() == ".xlsx":
            _read_xlsx(data, result)
        elif path.suffix.lower() == ".zip":
            form_readers.read_odk_zip(data, result)
        else:
            _read_csv(data, result)
    except Exception as exc:  # an unreadable file is a structural failure, reported with its name
        result.problems.append(SourceProblem(display_name, None, "", "", f"unreadable: {type(exc).__name__}: {exc}"))
    return result


# --- CSV layouts -----------------------------------------------------------------------------

def _read_csv(data: bytes, result: FileRead) -> None:
    frame, result.encoding = read_text_csv(data)
    if len(frame) > MAX_ROWS:
        raise ValueError(f"more than {MAX_ROWS} rows")
    headers = list(frame.columns)
    if form_readers.is_form_csv(headers):  # ODK Central root table, Kobo export with label headers
        form_readers.read_form_csv(frame, result)
    elif "_uuid" in headers or any("/" in h for h in headers):
        result.layout = "kobo_csv"
        _records_from_kobo(frame, result, sheet="")
    elif "initiative_id" in headers and "title" in headers:
        result.layout = "compilation_csv"
        mapping = field_by_label()
        unknown = [h for h in headers if h.lower() not in mapping]
        if unknown:
            result.notes.append(f"columns ignored: {', '.join(unknown)}")
        known = {h: mapping[h.lower()] for h in headers if h.lower() in mapping}
        table = frame[list(known)].rename(columns=known).apply(_strip)
        table.insert(0, "_submission", result.file)
        table.insert(0, "_row", range(2, len(frame) + 2))
        table.insert(0, "_sheet", "")
        table.insert(0, "_file", result.file)
        result.initiatives = _complete(table, INITIATIVE_COLUMNS)
    else:
        result.problems.append(SourceProblem(result.file, 1, "", ",".join(headers[:6]), "unknown layout: neither a form export (_uuid, group/field headers) nor an initiatives compilation (initiative_id, title…)"))


def _split_kobo_header(header: str) -> tuple[str, str] | None:
    """``respondent/organisation`` -> (respondent, organisation); ``group/field/option`` 0/1 columns -> None."""
    parts = header.split("/")
    if len(parts) == 2:
        return parts[0], parts[1]
    return None


def _strip(column: pd.Series) -> pd.Series:
    """Trim spaces around answers, once per distinct answer."""
    return pd.Series([v.strip() for v in column.tolist()], index=column.index, dtype=object)


def _complete(table: pd.DataFrame, fields: list[str]) -> pd.DataFrame:
    """A large table with every field present, in the column order of :func:`as_frame`."""
    for name in META + fields:
        if name not in table.columns:
            table[name] = ""
    table = table[META + fields].copy()
    table["_row"] = table["_row"].astype("int64")
    return table


def _records_from_kobo(frame: pd.DataFrame, result: FileRead, sheet: str) -> None:
    """A consolidated export: respondent fields repeat on each initiative row of a submission."""
    ignored = [c for c in frame.columns if c not in KOBO_SYSTEM and _split_kobo_header(c) is None]
    if ignored:
        result.notes.append(f"columns ignored: {', '.join(ignored)}")
    rows = pd.Series(range(2, len(frame) + 2), index=frame.index)
    uuid = frame["_uuid"] if "_uuid" in frame.columns else pd.Series("", index=frame.index)
    submission = uuid.where(uuid != "", "row" + rows.astype(str))
    groups = {"respondent": {}, "initiative": {}}
    for column in frame.columns:
        split = _split_kobo_header(column)
        if split and split[0] in groups and split[1] in (RESPONDENT_COLUMNS if split[0] == "respondent" else INITIATIVE_COLUMNS):
            groups[split[0]][column] = split[1]
    base = pd.DataFrame({"_file": result.file, "_sheet": sheet, "_row": rows, "_submission": submission})
    respondents = pd.concat([base, frame[list(groups["respondent"])].rename(columns=groups["respondent"]).apply(_strip)], axis=1)
    if "_submission_time" in frame.columns:
        respondents["submission_time"] = _strip(frame["_submission_time"])
    first = ~submission.duplicated()
    result.respondents = _complete(respondents[first], RESPONDENT_COLUMNS)
    initiatives = pd.concat([base, frame[list(groups["initiative"])].rename(columns=groups["initiative"]).apply(_strip)], axis=1)
    answered = initiatives[list(groups["initiative"].values())].ne("").any(axis=1) if groups["initiative"] else pd.Series(False, index=frame.index)
    initiatives["respondent_id"] = respondents.get("respondent_id", "")
    result.initiatives = _complete(initiatives[answered], INITIATIVE_COLUMNS)


# --- XLSX layouts ----------------------------------------------------------------------------

def check_zip_limits(data: bytes) -> None:
    """Refuse a workbook whose content would unpack to more than the limits (zip bomb)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise ValueError(f"workbook has {len(members)} parts (limit {MAX_ZIP_MEMBERS})")
        total = sum(m.file_size for m in members)
        if total > MAX_UNZIPPED_BYTES:
            raise ValueError(f"workbook unpacks to {total} bytes (limit {MAX_UNZIPPED_BYTES})")


def _read_xlsx(data: bytes, result: FileRead) -> None:
    import openpyxl  # uses defusedxml for every XML part when it is installed (it is a dependency)

    check_zip_limits(data)
    result.encoding = "xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        names = workbook.sheetnames
        if form_readers.is_questionnaire(workbook):  # the protected questionnaire, in any language
            form_readers.read_questionnaire(workbook, result)
        elif form_readers.is_form_export(workbook):  # a KoboToolbox export of the XLSForm
            form_readers.read_form_export_xlsx(workbook, result)
        elif "Respondent" in names and "Initiatives" in names:
            result.layout = "workbook"
            _read_questionnaire(workbook, result)
        elif any(n.lower() in ("initiatives", "initiative") for n in names) and len(names) >= 2:
            result.layout = "kobo_xlsx"
            _read_kobo_xlsx(workbook, result)
        else:
            result.problems.append(SourceProblem(result.file, None, "", ", ".join(names), "unknown layout: expected the questionnaire's sheets (Respondent, Initiatives) or a form export"))
    finally:
        workbook.close()


def _sheet_rows(sheet) -> list[list[str]]:
    rows = []
    for count, row in enumerate(sheet.iter_rows(values_only=True)):
        if count > MAX_ROWS:
            raise ValueError(f"sheet {sheet.title} has more than {MAX_ROWS} rows")
        rows.append([_text(v) for v in row])
    return rows


def _read_questionnaire(workbook, result: FileRead) -> None:
    mapping = field_by_label()
    respondent: dict[str, str] = {}
    first_row = 0
    for number, row in enumerate(_sheet_rows(workbook["Respondent"]), start=1):
        if len(row) < 2:
            continue
        key = (row[2] if len(row) > 2 and row[2] else row[0]).lower()
        if key in mapping and mapping[key] in RESPONDENT_COLUMNS:
            respondent[mapping[key]] = row[1]
            first_row = first_row or number
    result.respondents = as_frame([record(result.file, "Respondent", first_row or 1, result.file, respondent)], RESPONDENT_COLUMNS)
    rows = _sheet_rows(workbook["Initiatives"])
    if not rows:
        return
    header = [mapping.get(h.lower(), "") for h in rows[0]]
    initiatives = []
    for number, row in enumerate(rows[1:], start=2):
        values = {name: value for name, value in zip(header, row) if name}
        if not any(values.values()):
            continue  # an empty line of the form
        values["respondent_id"] = respondent.get("respondent_id", "")
        initiatives.append(record(result.file, "Initiatives", number, result.file, values))
    result.initiatives = as_frame(initiatives, INITIATIVE_COLUMNS)


def _read_kobo_xlsx(workbook, result: FileRead) -> None:
    names = workbook.sheetnames
    repeat_name = next(n for n in names if n.lower() in ("initiatives", "initiative"))
    main = _sheet_rows(workbook[names[0]])
    repeat = _sheet_rows(workbook[repeat_name])
    main_frame = pd.DataFrame(main[1:], columns=main[0]) if main else pd.DataFrame()
    parents: dict[str, dict] = {}
    respondents, initiatives = [], []
    for position, row in enumerate(main_frame.to_dict("records")):
        respondent = {}
        for column, value in row.items():
            split = _split_kobo_header(column)
            if split and split[0] == "respondent" and split[1] in RESPONDENT_COLUMNS:
                respondent[split[1]] = value
        respondent["submission_time"] = row.get("_submission_time", "")
        uuid = row.get("_uuid", "") or f"row{position + 2}"
        parents[row.get("_index", str(position + 1))] = {"uuid": uuid, "respondent_id": respondent.get("respondent_id", "")}
        respondents.append(record(result.file, names[0], position + 2, uuid, respondent))
    result.respondents = as_frame(respondents, RESPONDENT_COLUMNS)
    if not repeat:
        return
    header = repeat[0]
    for number, row in enumerate(repeat[1:], start=2):
        record_ = dict(zip(header, row))
        parent = parents.get(record_.get("_parent_index", ""))
        values = {}
        for column, value in record_.items():
            split = _split_kobo_header(column)
            name = split[1] if split else column
            if name in INITIATIVE_COLUMNS:
                values[name] = value
        values["respondent_id"] = parent["respondent_id"] if parent else ""
        submission = parent["uuid"] if parent else f"orphan:{record_.get('_parent_index', '')}"
        initiatives.append(record(result.file, repeat_name, number, submission, values))
    result.initiatives = as_frame(initiatives, INITIATIVE_COLUMNS)
