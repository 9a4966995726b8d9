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

Nothing is validated here beyond the layout and the headers: every row read comes out, with its
file, sheet and row, as one table of respondents and one of initiatives (all cells text; meta columns
start with ``_``). Headers are matched after removing harmless differences (spaces, case, non-breaking
and zero-width spaces); an unknown header is reported with the nearest expected name, a missing
required column makes the file unusable with one message. Files are never followed through links,
and workbooks are inspected (parts, unpacked sizes, declared sheet dimensions, cell counts) by
streaming before any parser sees them. Limits are the constants below, documented in
docs/survey-data-model.md.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipelines.sourcefiles import EncodingRefused, SourceProblem, decode_csv, quoted
from pipelines.survey import form_readers
from pipelines.survey.model import INITIATIVE_COLUMNS, INITIATIVE_FIELDS, RESPONDENT_COLUMNS, RESPONDENT_FIELDS, field_by_label, normalise_header, normalise_id

MAX_FILE_BYTES = {".xlsx": 20 * 1024 * 1024, ".csv": 1024 * 1024 * 1024, ".zip": 200 * 1024 * 1024}  # a questionnaire is a few hundred kB
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # all parts of a workbook together, counted while unpacking
MAX_ZIP_MEMBERS = 2000
MAX_COMPRESSION_RATIO = 100  # unpacked / packed size of one part larger than RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_SHEET_COLUMNS = 1000
MAX_SHEET_CELLS = 5_000_000  # per sheet, declared (<dimension ref>) and counted (<c> elements)
MAX_ROWS = 2_000_000
IGNORED_PREFIXES = ("~$", ".~lock", ".")  # editor lock files and hidden files
IGNORED_SUFFIXES = (".tmp", ".part", ".crdownload", "#")
ACCEPTED_SUFFIXES = (".xlsx", ".csv", ".zip")  # .zip: ODK Central submissions.csv.zip
KOBO_SYSTEM = {normalise_header(h) for h in ("_id", "_uuid", "_submission_time", "_validation_status", "_status", "_submitted_by", "__version__", "_index", "_parent_index", "_parent_table_name", "_notes", "_tags", "start", "end", "today", "deviceid", "meta/instanceID", "formhub/uuid", "_xform_id_string", "_attachments", "_geolocation")}
INSTANCE_IDS = ("_uuid", "meta/instanceid", "_id")  # what identifies one submission of a form export
GROUPS = {"respondent": RESPONDENT_COLUMNS, "initiative": INITIATIVE_COLUMNS}
REQUIRED = {"respondent": [f.name for f in RESPONDENT_FIELDS if f.required], "initiative": [f.name for f in INITIATIVE_FIELDS if f.required]}


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
    findings: list[SourceProblem] = field(default_factory=list)  # reported, the rows still go on (unknown headers)
    notes: list[str] = field(default_factory=list)


# --- The survey folder -----------------------------------------------------------------------

def _wanted(name: str) -> bool:
    return name.lower().endswith(ACCEPTED_SUFFIXES) and not name.startswith(IGNORED_PREFIXES) and not name.endswith(IGNORED_SUFFIXES)


def is_survey_file(path: Path) -> bool:
    """Whether a file in a survey folder is meant to be read: a regular file (never a link), not a
    lock file, temp file or hidden file."""
    return _wanted(path.name) and not path.is_symlink() and path.is_file()


def survey_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if is_survey_file(p)) if folder.is_dir() else []


def survey_links(folder: Path) -> list[Path]:
    """Links in the survey folder that would otherwise be read: reported, never followed."""
    return sorted(p for p in folder.iterdir() if _wanted(p.name) and p.is_symlink()) if folder.is_dir() else []


def link_refused(display_name: str) -> FileRead:
    """A link in the survey folder, as a file that could not be used (its target is never read or shown)."""
    result = FileRead(display_name, layout="link", encoding="", sha256="")
    result.problems.append(SourceProblem(display_name, None, "", "", "is a link to another file; links are not followed: copy the file itself into the survey folder"))
    return result


def _read_bytes(path: Path, limit: int) -> bytes:
    """The file's bytes, opened without following a link, refused before reading when too large."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(descriptor, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise ValueError(f"the file has {size} bytes (limit {limit})")
        return handle.read(limit + 1)


def _text(value: object) -> str:
    """A cell as text: Excel numbers that are whole become integers ("2019", not "2019.0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def read_file(path: Path, display_name: str, data: bytes | None = None) -> FileRead:
    """Read one survey file of any accepted layout (``data``: its bytes, when read already)."""
    result = FileRead(display_name, layout="unknown", encoding="", sha256="")
    if path.is_symlink():
        return link_refused(display_name)
    try:
        if data is None:
            data = _read_bytes(path, MAX_FILE_BYTES[path.suffix.lower()])
    except (OSError, ValueError) as exc:
        reason = str(exc) if isinstance(exc, ValueError) else "cannot be opened (a link, or not readable)"
        result.problems.append(SourceProblem(display_name, None, "", "", reason))
        return result
    result.sha256 = hashlib.sha256(data).hexdigest()
    try:
        if path.suffix.lower() == ".xlsx":
            _read_xlsx(data, result)
        elif path.suffix.lower() == ".zip":
            form_readers.read_odk_zip(data, result)
        else:
            _read_csv(data, result)
    except EncodingRefused as exc:
        result.problems.append(SourceProblem(display_name, None, "", "", f"encoding: the file {exc}"))
    except WorkbookRefused as exc:
        result.problems.append(SourceProblem(display_name, None, "", "", f"workbook refused before opening: {exc}"))
    except Exception as exc:  # an unreadable file is a structural failure, reported with its name
        result.problems.append(SourceProblem(display_name, None, "", "", f"unreadable: {exc}"))
    if result.problems:  # nothing of an unusable file goes on
        result.respondents, result.initiatives = as_frame([], RESPONDENT_COLUMNS), as_frame([], INITIATIVE_COLUMNS)
    return result


# --- Headers ---------------------------------------------------------------------------------

@dataclass
class Headers:
    """How the headers of one table matched the expected names."""

    columns: dict[str, str]  # original header -> field (or expected name)
    unknown: list[tuple[str, str | None]]  # original header, nearest expected name
    missing: list[tuple[str, str | None]]  # required field, nearest header found


def match_headers(headers: list[str], expected: dict[str, str], required: list[str], ignored=lambda h: False) -> Headers:
    """Match headers to expected names (keys normalised by :func:`normalise_header`)."""
    columns: dict[str, str] = {}
    unknown: list[tuple[str, str | None]] = []
    for header in headers:
        key = normalise_header(header)
        if key in expected and expected[key] not in columns.values():
            columns[header] = expected[key]
        elif key and not ignored(key):
            nearest = difflib.get_close_matches(key, list(expected), n=1, cutoff=0.6)
            unknown.append((header, nearest[0] if nearest else None))
    found = set(columns.values())
    missing = []
    for name in required:
        if name not in found:
            candidates = {normalise_header(h): h for h, _ in unknown} or {normalise_header(h): h for h in headers if h}
            spellings = [k for k, v in expected.items() if v == name] or [name]
            nearest = next((hit[0] for k in spellings if (hit := difflib.get_close_matches(k, list(candidates), n=1, cutoff=0.5))), None)
            missing.append((name, candidates[nearest] if nearest else None))
    return Headers(columns, unknown, missing)


def _report_headers(result: FileRead, headers: Headers, sheet: str, values: pd.DataFrame | None = None, labels: dict[str, str] | None = None) -> None:
    """A missing required column: one structural problem; an unknown column: one finding, with the
    number of answers it holds that were not read."""
    for name, nearest in headers.missing:
        hint = f"; nearest header found: {quoted(nearest)}" if nearest else ""
        result.problems.append(SourceProblem(result.file, 1, name, "", f"required column {quoted((labels or {}).get(name, name))} is missing, so no row of this {'sheet' if sheet else 'file'} can be used{hint}", sheet))
    for header, nearest in headers.unknown:
        column = values[header] if values is not None and header in values.columns else pd.Series(dtype=str)
        column = column.iloc[:, 0] if isinstance(column, pd.DataFrame) else column
        answered = int((column.astype(str).str.strip() != "").sum())
        lost = f" Its {answered} answer(s) were not read." if answered else ""
        unnamed = re.fullmatch(r"Unnamed: (\d+)", str(header))  # pandas' name for an empty header cell
        if unnamed:
            if answered:  # an empty column without a header loses nothing
                result.findings.append(SourceProblem(result.file, 1, f"column {int(unnamed.group(1)) + 1}", "", f"a column without a header.{lost}", sheet))
            continue
        hint = f": did you mean {quoted((labels or {}).get(nearest, nearest))}?" if nearest else ""
        result.findings.append(SourceProblem(result.file, 1, header, header, f"unknown column{hint}{lost}", sheet))


# --- CSV layouts -----------------------------------------------------------------------------

def csv_frame(data: bytes, name: str, notes: list[str] | None = None) -> tuple[pd.DataFrame, str]:
    """A CSV's table (every cell a string, nothing turned into NaN) and the encoding used, decoded by
    :func:`~pipelines.sourcefiles.decode_csv` (refused with :class:`EncodingRefused` when unsure);
    how the encoding was known goes into ``notes``."""
    decoded = decode_csv(data, name)
    if notes is not None and decoded.how == "mixed":
        notes.append("some rows are not UTF-8 (each is reported; save the file as CSV UTF-8)")
    elif notes is not None and decoded.how in ("detected", "declared in the file name"):
        notes.append(f"encoding {decoded.encoding} {decoded.how}")
    source = io.BytesIO(data) if decoded.text is None else io.StringIO(decoded.text)
    frame = pd.read_csv(source, encoding=decoded.encoding, dtype=str, keep_default_na=False, na_filter=False)
    if len(frame) > MAX_ROWS:
        raise ValueError(f"more than {MAX_ROWS} rows")
    return frame, decoded.encoding


def read_text_csv(data: bytes, name: str = "") -> tuple[pd.DataFrame, str]:
    """A CSV (e.g. a member of an ODK Central zip) as a table of strings, and its encoding."""
    return csv_frame(data, name)


def _read_csv(data: bytes, result: FileRead) -> None:
    frame, result.encoding = csv_frame(data, result.file, result.notes)
    keys = [normalise_header(h) for h in frame.columns]
    initiative_labels = {k: v for k, v in field_by_label().items() if v in INITIATIVE_COLUMNS}
    consolidated = {f"{g}/{n}" for g in GROUPS for n in REQUIRED[g]} <= set(keys)  # XML names, however spelt
    if not consolidated and form_readers.is_form_csv(list(frame.columns)):  # ODK Central root table, Kobo export with label headers
        form_readers.read_form_csv(frame, result)
    elif "_uuid" in keys or any("/" in k for k in keys):
        result.layout = "kobo_csv"
        _records_from_kobo(frame, result, sheet="")
    elif sum(k in initiative_labels for k in keys) >= 3:
        result.layout = "compilation_csv"
        headers = match_headers(list(frame.columns), initiative_labels, REQUIRED["initiative"])
        _report_headers(result, headers, "", frame)
        if headers.missing:
            return
        table = frame[list(headers.columns)].rename(columns=headers.columns).apply(_strip)
        table.insert(0, "_submission", result.file)
        table.insert(0, "_row", range(2, len(frame) + 2))
        table.insert(0, "_sheet", "")
        table.insert(0, "_file", result.file)
        result.initiatives = _complete(table, INITIATIVE_COLUMNS)
    else:
        unmatched = [h for h, k in zip(frame.columns, keys) if k not in initiative_labels]
        shown_headers = ", ".join(_with_nearest(h, initiative_labels) for h in unmatched[:8]) + (" …" if len(unmatched) > 8 else "")
        result.problems.append(SourceProblem(result.file, 1, "", "", f"unknown layout: the headers {shown_headers} match neither a form export (_uuid, group/field headers) nor an initiatives compilation (initiative_id, country, title, description, cluster…)"))


def _with_nearest(header: str, expected: dict[str, str]) -> str:
    nearest = difflib.get_close_matches(normalise_header(header), list(expected), n=1, cutoff=0.6)
    return quoted(header) + (f" (did you mean {quoted(expected[nearest[0]])}?)" if nearest else "")


def _kobo_expected() -> dict[str, str]:
    return {f"{group}/{name}": f"{group}/{name}" for group, names in GROUPS.items() for name in names}


def _select_multiple(key: str) -> bool:
    """``initiative/recommendation_ids/afml05-08``: a 0/1 column per option of a multiple choice."""
    parts = key.split("/")
    return len(parts) == 3 and parts[0] in GROUPS and parts[1] in GROUPS[parts[0]]


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


def _submissions(frame: pd.DataFrame, rows: pd.Series, respondent_ids: pd.Series, file: str) -> pd.Series:
    """What groups the rows of one submission: its instance id; without one, the respondent (one
    file's rows of the same respondent are one submission), and only then the row."""
    keys = {normalise_header(c): c for c in frame.columns}
    instance = pd.Series("", index=frame.index)
    for name in INSTANCE_IDS:
        if name in keys:
            instance = instance.where(instance != "", frame[keys[name]].astype(str).str.strip())
    missing = instance == ""
    if not missing.any():
        return instance
    ids = respondent_ids[missing]
    normal = ids.map(dict(zip(pd.unique(ids), (normalise_id(r) for r in pd.unique(ids)))))
    by_respondent = (file + "#" + normal).where(normal != "", "row" + rows[missing].astype(str))
    return instance.where(~missing, by_respondent)


def _records_from_kobo(frame: pd.DataFrame, result: FileRead, sheet: str, groups: tuple[str, ...] = ("respondent", "initiative")) -> Headers:
    """A consolidated export: respondent fields repeat on each initiative row of a submission."""
    expected = {k: v for k, v in _kobo_expected().items() if k.split("/")[0] in groups}
    required = [f"{g}/{n}" for g in groups for n in REQUIRED[g]]
    headers = match_headers(list(frame.columns), expected, required, ignored=lambda k: k in KOBO_SYSTEM or k.startswith("_") or _select_multiple(k))  # "_…": the platform's own columns
    _report_headers(result, headers, sheet, frame)
    if headers.missing:
        return headers
    rows = pd.Series(range(2, len(frame) + 2), index=frame.index)
    fields = {"respondent": {}, "initiative": {}}
    for column, name in headers.columns.items():
        group, field_name = name.split("/", 1)
        fields[group][column] = field_name
    base = pd.DataFrame({"_file": result.file, "_sheet": sheet, "_row": rows}, index=frame.index)
    respondents = pd.concat([base, frame[list(fields["respondent"])].rename(columns=fields["respondent"]).apply(_strip)], axis=1)
    times = {normalise_header(c): c for c in frame.columns}
    if "_submission_time" in times:
        respondents["submission_time"] = _strip(frame[times["_submission_time"]])
    ids = respondents["respondent_id"] if "respondent_id" in respondents.columns else pd.Series("", index=frame.index)
    submission = _submissions(frame, rows, ids, result.file)
    base["_submission"] = respondents["_submission"] = submission
    if "respondent" in groups:
        first = ~submission.duplicated()
        result.respondents = _complete(respondents[first], RESPONDENT_COLUMNS)
    if "initiative" in groups:
        initiatives = pd.concat([base, frame[list(fields["initiative"])].rename(columns=fields["initiative"]).apply(_strip)], axis=1)
        answered = initiatives[list(fields["initiative"].values())].ne("").any(axis=1) if fields["initiative"] else pd.Series(False, index=frame.index)
        if "respondent" in groups:
            initiatives["respondent_id"] = ids
        result.initiatives = _complete(initiatives[answered], INITIATIVE_COLUMNS)
    return headers


# --- XLSX layouts ----------------------------------------------------------------------------

class WorkbookRefused(ValueError):
    """A workbook whose parts, sizes or declared dimensions exceed the limits: never parsed."""


_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\s+ref="([A-Za-z]*)(\d*)(?::([A-Za-z]+)(\d+))?"')
_CELL = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")
_WIDE_CELL = re.compile(rb'\br="([A-Z]{3})[0-9]+"')  # a cell in column AAA (703) or beyond


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> sheet name, read from the small workbook.xml and its relationships."""
    try:
        book = archive.read("xl/workbook.xml")[: 1 << 20].decode("utf-8", "replace")
        rels = archive.read("xl/_rels/workbook.xml.rels")[: 1 << 20].decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = {m.group(1): m.group(2) for m in re.finditer(r'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)}
    targets |= {m.group(2): m.group(1) for m in re.finditer(r'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)}
    names = {}
    for m in re.finditer(r'<(?:\w+:)?sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]+)"', book):
        target = targets.get(m.group(2), "")
        names["xl/" + target.lstrip("/").removeprefix("xl/")] = m.group(1)
    return names


def check_zip_limits(data: bytes) -> None:
    """Refuse a workbook before parsing: too many parts, a part packed suspiciously tightly (zip bomb),
    more unpacked bytes than the limit (counted while unpacking, not taken from the headers), a sheet
    whose declared dimension or counted cells exceed the limits."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise WorkbookRefused(f"it has {len(members)} parts (limit {MAX_ZIP_MEMBERS})")
        declared = sum(m.file_size for m in members)
        if declared > MAX_UNZIPPED_BYTES:
            raise WorkbookRefused(f"it unpacks to {declared} bytes (limit {MAX_UNZIPPED_BYTES})")
        sheets = _sheet_names(archive)
        total = 0
        for member in members:
            name = sheets.get(member.filename, member.filename)
            if member.file_size > RATIO_FLOOR_BYTES and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
                raise WorkbookRefused(f"part {quoted(member.filename)} is compressed {member.file_size // max(member.compress_size, 1)} times (limit {MAX_COMPRESSION_RATIO}): a zip bomb, not a spreadsheet")
            is_sheet = member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
            cells, size, head, tail = 0, 0, b"", b""
            with archive.open(member) as part:
                while chunk := part.read(1 << 20):
                    size += len(chunk)
                    total += len(chunk)
                    if total > MAX_UNZIPPED_BYTES:
                        raise WorkbookRefused(f"it unpacks to more than {MAX_UNZIPPED_BYTES} bytes")
                    if size > RATIO_FLOOR_BYTES and size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
                        raise WorkbookRefused(f"part {quoted(member.filename)} unpacks to more than {MAX_COMPRESSION_RATIO} times its size: a zip bomb, not a spreadsheet")
                    if not is_sheet:
                        continue
                    if len(head) < 1 << 16:
                        head += chunk[: (1 << 16) - len(head)]
                        _check_dimension(head, name)
                    buffer = tail + chunk
                    cells += sum(1 for m in _CELL.finditer(buffer) if m.end() > len(tail))
                    for m in _WIDE_CELL.finditer(buffer):
                        if _column_number(m.group(1).decode()) > MAX_SHEET_COLUMNS:
                            raise WorkbookRefused(f"sheet {quoted(name)} has a cell in column {m.group(1).decode()} (limit {MAX_SHEET_COLUMNS} columns)")
                    tail = buffer[-16:]
                    if cells > MAX_SHEET_CELLS:
                        raise WorkbookRefused(f"sheet {quoted(name)} has more than {MAX_SHEET_CELLS} cells (limit)")


def _check_dimension(head: bytes, sheet: str) -> None:
    match = _DIMENSION.search(head)
    if not match:
        return
    first_col, first_row, last_col, last_row = match.groups()
    last_col, last_row = (last_col or first_col).decode(), int(last_row or first_row or 1)
    columns, rows = _column_number(last_col) if last_col else 1, last_row
    ref = match.group(0).split(b'"')[1].decode()
    if columns > MAX_SHEET_COLUMNS or rows > MAX_ROWS or columns * rows > MAX_SHEET_CELLS:
        raise WorkbookRefused(f"sheet {quoted(sheet)} declares the range {ref} ({rows} rows × {columns} columns; limits {MAX_ROWS} rows, {MAX_SHEET_COLUMNS} columns, {MAX_SHEET_CELLS} cells)")


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
            result.problems.append(SourceProblem(result.file, None, "", "", f"unknown layout: the sheets {', '.join(quoted(n) for n in names[:8])} are neither the questionnaire's (Respondent, Initiatives) nor a form export's"))
    finally:
        workbook.close()


def _sheet_rows(sheet) -> list[list[str]]:
    rows = []
    for count, row in enumerate(sheet.iter_rows(values_only=True)):
        if count > MAX_ROWS:
            raise ValueError(f"sheet {quoted(sheet.title)} has more than {MAX_ROWS} rows")
        rows.append([_text(v) for v in row[:MAX_SHEET_COLUMNS]])
    return rows


def _read_questionnaire(workbook, result: FileRead) -> None:
    mapping = field_by_label()
    labels = {f.name: f.label for f in RESPONDENT_FIELDS + INITIATIVE_FIELDS}
    respondent: dict[str, str] = {}
    first_row = 0
    for number, row in enumerate(_sheet_rows(workbook["Respondent"]), start=1):
        if len(row) < 2:
            continue
        key = normalise_header(row[2] if len(row) > 2 and row[2] else row[0])
        if key in mapping and mapping[key] in RESPONDENT_COLUMNS:
            respondent[mapping[key]] = row[1]
            first_row = first_row or number
    result.respondents = as_frame([record(result.file, "Respondent", first_row or 1, result.file, respondent)], RESPONDENT_COLUMNS)
    rows = _sheet_rows(workbook["Initiatives"])
    if not rows:
        return
    expected = {k: v for k, v in mapping.items() if v in INITIATIVE_COLUMNS}
    headers = match_headers(rows[0], expected, REQUIRED["initiative"])
    _report_headers(result, headers, "Initiatives", _frame(rows), labels)
    if headers.missing:
        return
    positions = [headers.columns.get(h, "") if h in headers.columns and rows[0].index(h) == i else "" for i, h in enumerate(rows[0])]
    initiatives = []
    for number, row in enumerate(rows[1:], start=2):
        values = {name: value for name, value in zip(positions, row) if name}
        if not any(values.values()):
            continue  # an empty line of the form
        values["respondent_id"] = respondent.get("respondent_id", "")
        initiatives.append(record(result.file, "Initiatives", number, result.file, values))
    result.initiatives = as_frame(initiatives, INITIATIVE_COLUMNS)


def _frame(rows: list[list[str]]) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame()
    width = len(rows[0])
    return pd.DataFrame([(r + [""] * width)[:width] for r in rows[1:]], columns=rows[0], dtype=object).fillna("")


def _read_kobo_xlsx(workbook, result: FileRead) -> None:
    names = workbook.sheetnames
    repeat_name = next(n for n in names if n.lower() in ("initiatives", "initiative"))
    main = _frame(_sheet_rows(workbook[names[0]]))
    repeat = _frame(_sheet_rows(workbook[repeat_name]))
    main_part = FileRead(result.file, result.layout, result.encoding, result.sha256)
    _records_from_kobo(main, main_part, names[0], groups=("respondent",))
    result.problems += main_part.problems
    result.findings += main_part.findings
    if main_part.problems:
        return
    main_part.respondents["_row"] = main_part.respondents["_row"].astype("int64")
    result.respondents = main_part.respondents
    keys = {normalise_header(c): c for c in main.columns}
    index = main[keys["_index"]].astype(str) if "_index" in keys else pd.Series([str(i + 1) for i in range(len(main))], index=main.index)
    submission_of = dict(zip(index, _submissions(main, pd.Series(range(2, len(main) + 2), index=main.index), _respondent_ids(main), result.file)))
    respondent_of = dict(zip(index, _respondent_ids(main)))
    if repeat.empty:
        return
    repeat_part = FileRead(result.file, result.layout, result.encoding, result.sha256)
    _records_from_kobo(repeat, repeat_part, repeat_name, groups=("initiative",))
    result.problems += repeat_part.problems
    result.findings += repeat_part.findings
    if repeat_part.problems:
        return
    rkeys = {normalise_header(c): c for c in repeat.columns}
    parent = repeat[rkeys["_parent_index"]].astype(str) if "_parent_index" in rkeys else pd.Series("", index=repeat.index)
    initiatives = repeat_part.initiatives
    parents = parent.loc[initiatives.index] if not initiatives.empty else parent.iloc[0:0]
    initiatives["respondent_id"] = parents.map(respondent_of).fillna("").values
    initiatives["_submission"] = [submission_of.get(p, f"orphan:{p}") for p in parents]
    result.initiatives = initiatives


def _respondent_ids(main: pd.DataFrame) -> pd.Series:
    """The respondent id on each row of a form export's main sheet."""
    keys = {normalise_header(c): c for c in main.columns}
    column = keys.get("respondent/respondent_id")
    return main[column].astype(str).str.strip() if column else pd.Series("", index=main.index)
