"""Reading back what the questionnaire's own form produces: the protected workbook
(:mod:`questionnaire`), KoboToolbox exports of the XLSForm (:mod:`xlsform`; XLSX or CSV, headers as
XML names or as labels in any of the form's languages) and ODK Central's ``submissions.csv.zip``
(the root CSV and the ``initiative`` repeat CSV, joined through ``PARENT_KEY`` -> ``KEY``).

Every reader fills the same raw records as :mod:`pipelines.survey.readers` (all text, with file,
sheet and row), with choice labels of the respondent's language turned back into codes; validation
is left to :mod:`pipelines.survey.validate`. Headers the form does not know are never dropped
silently: they are noted with the closest header it does know.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
import zipfile
from functools import lru_cache

import pandas as pd

from pipelines.survey import form as F
from pipelines.survey.i18n import LANGUAGES, language_code, load
from pipelines.survey.model import INITIATIVE_COLUMNS, RESPONDENT_COLUMNS

REPEAT = "initiative"  # the XLSForm's repeat group (and Kobo's sheet, ODK's CSV suffix)
GROUP = "respondent"
ODK_SYSTEM = {"SubmissionDate", "meta-instanceID", "KEY", "PARENT_KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion", "start", "end", "today", "deviceid", "instanceID", "meta-instanceName"}


# --- labels and choices of every language ---------------------------------------------------------

@lru_cache(maxsize=1)
def _choice_codes() -> dict[str, dict[str, str]]:
    """list name -> {code, label in any language, "CODE – label" (lower case): code}."""
    codes: dict[str, dict[str, str]] = {}
    for language in LANGUAGES:
        for name, choices in F.coded_choices(load(language)).items():
            table = codes.setdefault(name, {})
            for code, label in choices.items():
                table[code.lower()] = code
                table[label.lower()] = code
                table[F.list_item(name, code, label).lower()] = code
    return codes


def coded(list_name: str, value: str) -> str:
    """A choice answered with a label of any language (or its code) as its code; else as given, for
    validation to report."""
    if not value:
        return value
    if list_name == "language":
        return language_code(value) if value.lower() in _choice_codes()["language"] else value
    return _choice_codes().get(list_name, {}).get(value.strip().lower(), value)


CHOICE_FIELDS = {"country": "country", "constituency": "constituency", "language": "language", "status": "status", "gender_responsive": "gender_responsive", "scope": "scope"}


@lru_cache(maxsize=1)
def _headers() -> dict[str, tuple[str, str]]:
    """Every header an export of the form may carry (lower case) -> (record, field): XML names with
    ``/`` or ``-`` group paths, and question labels of every language, with or without group label."""
    table: dict[str, tuple[str, str]] = {}
    for name in RESPONDENT_COLUMNS:  # every field of the data model, also those the form does not ask
        for header in (name, f"{GROUP}/{name}", f"{GROUP}-{name}"):
            table[header.lower()] = ("respondent", name)
    for name in INITIATIVE_COLUMNS:
        for header in (name, f"{REPEAT}/{name}", f"{REPEAT}-{name}"):
            table[header.lower()] = ("initiative", name)
    for language in LANGUAGES:
        messages = load(language)
        group, repeat = messages("form.group.respondent"), messages("form.repeat.initiative")
        for name in F.RESPONDENT_QUESTIONS:
            label = messages(f"respondent.{name}.label")
            for header in (label, f"{group}/{label}"):
                table.setdefault(header.lower(), ("respondent", name))
        for column in F.initiative_columns():
            key = "initiative.recommendation_ids.form_label" if column.number else f"{column.key}.label"
            label = messages(key)
            for header in (label, f"{repeat}/{label}"):
                table.setdefault(header.lower(), ("initiative", column.field))
    return table


def _is_option_column(header: str, known: dict[str, tuple[str, str]]) -> bool:
    """``initiative/recommendation_ids/afml05-08`` (or its label form): one 0/1 column per option."""
    head = header.rsplit("/", 1)[0].strip().lower() if "/" in header else ""
    return known.get(head) == ("initiative", "recommendation_ids")


@lru_cache(maxsize=1)
def _normalised_headers() -> dict[str, tuple[str, str]]:
    """:func:`_headers` with harmless differences removed (non-breaking and zero-width spaces, ...)."""
    from pipelines.survey.model import normalise_header

    return {normalise_header(k): v for k, v in _headers().items()}


def _map_headers(headers: list[str], notes: list[str], system: set[str]) -> dict[str, tuple[str, str]]:
    """Headers -> (record, field); unknown ones noted with the nearest known header."""
    from pipelines.survey.model import normalise_header

    known = _headers()
    mapped, unknown = {}, []
    for header in headers:
        key = header.strip().lower()
        if key in known or normalise_header(header) in _normalised_headers():
            mapped[header] = known[key] if key in known else _normalised_headers()[normalise_header(header)]
        elif header in system or header.startswith(("_", "SET-OF-")) or _is_option_column(header, known):
            continue  # platform columns, and the 0/1 column per option of a multiple choice
        elif header:
            unknown.append(header)
    for header in unknown:
        close = difflib.get_close_matches(header.lower(), list(known), n=1)
        notes.append(f"column '{header}' is not one of the form's" + (f" (closest: '{close[0]}')" if close else "") + "; its answers were not read")
    return mapped


def _require(mapping: dict[str, tuple[str, str]], headers: list[str], result, sheet: str, record: str, exempt: tuple[str, ...] = ()) -> bool:
    """A required question missing from a table's headers makes the file unusable with one problem
    per missing column (with the nearest header found), never one error per row. True if complete."""
    from pipelines.sourcefiles import SourceProblem, quoted
    from pipelines.survey.readers import REQUIRED

    found = {name for kind, name in mapping.values() if kind == record}
    others = [h for h in headers if h and h not in mapping and not str(h).startswith("_")]
    complete = True
    for name in REQUIRED[record]:
        if name in found or name in exempt:
            continue
        complete = False
        close = difflib.get_close_matches(name, [str(h).lower() for h in others], n=1, cutoff=0.5)
        nearest = next((h for h in others if str(h).lower() == close[0]), None) if close else None
        hint = f"; nearest header found: {quoted(nearest)}" if nearest else ""
        result.problems.append(SourceProblem(result.file, 1, name, "", f"required column {quoted(name)} is missing, so no row of this {'sheet' if sheet else 'file'} can be used{hint}", sheet))
    return complete


def _values(row: dict, mapping: dict[str, tuple[str, str]], record: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for header, (kind, name) in mapping.items():
        if kind != record:
            continue
        value = str(row.get(header, "") or "").strip()
        if name in CHOICE_FIELDS:
            value = coded(CHOICE_FIELDS[name], value)
        values[name] = value
    return values


def _iso(value: str) -> str:
    """A platform time (``2020-08-31T10:15:00.000+07:00``, ``2020-08-31 03:15:00``) in UTC ISO 8601."""
    moment = pd.to_datetime(value, errors="coerce", utc=True)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if not pd.isna(moment) else value


# --- the questionnaire workbook -------------------------------------------------------------------

def is_questionnaire(workbook) -> bool:
    """Whether a workbook is this form's questionnaire (its very hidden Form sheet says so)."""
    if F.FORM_SHEET not in workbook.sheetnames:
        return False
    for row in workbook[F.FORM_SHEET].iter_rows(min_row=1, max_row=1, values_only=True):
        return list(row[:2]) == ["form_id", F.FORM_ID]
    return False


def read_questionnaire(workbook, result) -> None:
    """The questionnaire workbook: respondent answers by field (hidden column D), initiatives by column
    position (the layout is protected); the submission time is the file's last-saved time."""
    from pipelines.sourcefiles import SourceProblem
    from pipelines.survey.readers import _sheet_rows, as_frame, record

    meta = {str(r[0]): str(r[1] or "") for r in workbook[F.FORM_SHEET].iter_rows(values_only=True) if r and r[0]}
    language = meta.get("language", "en") if meta.get("language") in LANGUAGES else "en"
    messages = load(language)
    result.layout = "questionnaire"
    result.notes.append(f"questionnaire version {meta.get('version', '?')}, language {language}")
    titles = {role: meta.get(f"sheet.{role}", "") for role in F.SHEETS}
    missing = [t for t in (titles["respondent"], titles["initiatives"]) if t not in workbook.sheetnames]
    if missing:
        result.problems.append(SourceProblem(result.file, None, "", ", ".join(workbook.sheetnames), f"sheets missing: {', '.join(missing)}"))
        return
    respondent: dict[str, str] = {}
    for row in _sheet_rows(workbook[titles["respondent"]]):
        if len(row) > 3 and row[3] in F.RESPONDENT_QUESTIONS:
            respondent[row[3]] = coded(CHOICE_FIELDS[row[3]], row[1]) if row[3] in CHOICE_FIELDS else row[1]
    respondent["language"] = respondent.get("language") or language
    saved = workbook.properties.modified
    respondent["submission_time"] = saved.strftime("%Y-%m-%dT%H:%M:%SZ") if saved and saved != dt.datetime(*F.GENERATED_AT) else ""
    result.respondents = as_frame([record(result.file, titles["respondent"], F.respondent_row("respondent_id"), result.file, respondent)], RESPONDENT_COLUMNS)

    columns = F.initiative_columns()
    rows = _sheet_rows(workbook[titles["initiatives"]])
    expected = [messages(f"{c.key}.label", number=c.number) for c in columns]
    for index, (seen, wanted) in enumerate(zip(rows[0] if rows else [], expected), start=1):
        if seen != wanted:
            result.notes.append(f"{titles['initiatives']}!{F.column_letter(index)}1: heading '{seen}' is not the form's '{wanted}'; read as '{wanted}'")
    initiatives = []
    for number, row in enumerate(rows[F.HEADER_ROWS:], start=F.FIRST_ROW):
        cells = dict(zip(range(len(columns)), row))
        values: dict[str, str] = {"recommendation_ids": ""}
        recommendations = []
        for index, column in enumerate(columns):
            value = cells.get(index, "")
            if column.number:
                if value:
                    recommendations.append(value.split(" – ", 1)[0].strip())
            else:
                values[column.field] = coded(CHOICE_FIELDS[column.field], value) if column.field in CHOICE_FIELDS else value
        values["recommendation_ids"] = " ".join(recommendations)
        if not any(v for k, v in values.items() if k != "initiative_id"):
            continue  # a numbered row left empty
        values["initiative_id"] = values.get("initiative_id") or str(number - F.HEADER_ROWS)
        values["respondent_id"] = respondent.get("respondent_id", "")
        initiatives.append(record(result.file, titles["initiatives"], number, result.file, values))
    result.initiatives = as_frame(initiatives, INITIATIVE_COLUMNS)


# --- KoboToolbox exports of the XLSForm -----------------------------------------------------------

def _repeat_sheet(names: list[str]) -> str | None:
    labels = {REPEAT} | {load(c)("form.repeat.initiative").lower() for c in LANGUAGES}
    return next((n for n in names[1:] if n.strip().lower() in labels), None)


def is_form_export(workbook) -> bool:
    """A KoboToolbox XLSX export of this form: a main sheet plus the initiative repeat sheet, whose
    headers are the form's names or labels."""
    names = workbook.sheetnames
    if len(names) < 2 or _repeat_sheet(names) is None:
        return False
    first = next(workbook[names[0]].iter_rows(min_row=1, max_row=1, values_only=True), ())
    known = _headers()
    return any(str(h or "").strip().lower() in known and known[str(h).strip().lower()][0] == "respondent" for h in first)


def _frame(rows: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame(rows[1:], columns=rows[0]) if rows else pd.DataFrame()


def _submissions(frame: pd.DataFrame, result, sheet: str, time_column: str, id_column: str, key_column: str) -> dict[str, dict]:
    """Respondent records of a main table; returns key -> {submission, respondent_id}."""
    from pipelines.survey.readers import as_frame, record

    mapping = _map_headers(list(frame.columns), result.notes, set(frame.columns) & (ODK_SYSTEM | {time_column, id_column, key_column}))
    if not _require(mapping, list(frame.columns), result, sheet, "respondent"):
        return {}
    parents, records = {}, []
    for position, row in enumerate(frame.to_dict("records")):
        values = _values(row, mapping, "respondent")
        values["submission_time"] = _iso(str(row.get(time_column, "") or ""))
        submission = str(row.get(id_column, "") or "") or f"row{position + 2}"
        parents[str(row.get(key_column, "") or position + 1)] = {"submission": submission, "respondent_id": values.get("respondent_id", "")}
        records.append(record(result.file, sheet, position + 2, submission, values))
    result.respondents = as_frame(records, RESPONDENT_COLUMNS)
    return parents


def _repeats(frame: pd.DataFrame, result, sheet: str, parents: dict[str, dict], parent_column: str, position_column: str | None) -> None:
    """Initiative records of a repeat table, each joined to its submission through ``parent_column``."""
    from pipelines.survey.readers import as_frame, record

    frame = frame.rename(columns=lambda c: c if c.lower().startswith(f"{REPEAT}") or c in ODK_SYSTEM or c.startswith("_") or c.lower() in _headers() else f"{REPEAT}-{c}")
    mapping = _map_headers(list(frame.columns), result.notes, set(frame.columns) & (ODK_SYSTEM | {parent_column}))
    if not _require(mapping, list(frame.columns), result, sheet, "initiative", exempt=("initiative_id",)):  # ids come from positions
        return
    records, counters = [], {}
    for position, row in enumerate(frame.to_dict("records")):
        parent_key = str(row.get(parent_column, "") or "")
        parent = parents.get(parent_key)
        values = _values(row, mapping, "initiative")
        counters[parent_key] = counters.get(parent_key, 0) + 1
        if not values.get("initiative_id"):
            index = re.search(r"\[(\d+)\]$", str(row.get(position_column, "") or "")) if position_column else None
            values["initiative_id"] = index.group(1) if index else str(counters[parent_key])
        values["respondent_id"] = parent["respondent_id"] if parent else ""
        submission = parent["submission"] if parent else f"orphan:{parent_key}"
        if parent is None:
            result.notes.append(f"{sheet} row {position + 2}: no submission has the key '{parent_key}'")
        records.append(record(result.file, sheet, position + 2, submission, values))
    result.initiatives = as_frame(records, INITIATIVE_COLUMNS)


def read_form_export_xlsx(workbook, result) -> None:
    """KoboToolbox XLSX export: main sheet and the ``initiative`` sheet, linked by ``_index`` /
    ``_parent_index`` (XML names or labels as headers)."""
    from pipelines.survey.readers import _sheet_rows

    result.layout = "kobo_form_xlsx"
    names = workbook.sheetnames
    repeat = _repeat_sheet(names)
    main = _frame(_sheet_rows(workbook[names[0]]))
    parents = _submissions(main, result, names[0], "_submission_time", "_uuid", "_index")
    _repeats(_frame(_sheet_rows(workbook[repeat])), result, repeat, parents, "_parent_index", None)


def is_form_csv(headers: list[str]) -> bool:
    """A CSV export of this form: ODK Central's root table, or KoboToolbox's with label headers."""
    if "KEY" in headers and "SubmissionDate" in headers:
        return True
    known = _headers()
    xml_names = (f"{GROUP}/", f"{REPEAT}/")
    return "_uuid" in headers and any(h.strip().lower() in known and not h.startswith(xml_names) for h in headers)


def read_form_csv(frame: pd.DataFrame, result) -> None:
    """A main table alone: ODK Central's root CSV or a KoboToolbox CSV with label headers (neither
    holds the repeat's rows: they come with the ODK zip or the Kobo XLSX export)."""
    if "KEY" in frame.columns:
        result.layout = "odk_csv"
        _submissions(frame, result, "", "SubmissionDate", "KEY", "KEY")
    else:
        result.layout = "kobo_form_csv"
        _submissions(frame, result, "", "_submission_time", "_uuid", "_index")
    result.notes.append("main table only: initiatives come in the repeat table (ODK zip, Kobo XLSX export)")


def read_odk_zip(data: bytes, result) -> None:
    """ODK Central's ``submissions.csv.zip``: ``<form>.csv`` and ``<form>-initiative.csv``."""
    from pipelines.survey.readers import check_zip_limits, read_text_csv

    check_zip_limits(data)
    result.layout = "odk_zip"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        csvs = sorted(n for n in archive.namelist() if n.lower().endswith(".csv") and "/" not in n.strip("/"))
        repeat_name = next((n for n in csvs if n.lower().endswith(f"-{REPEAT}.csv")), None)
        root_name = min((n for n in csvs if n != repeat_name), key=len, default=None)
        if root_name is None:
            raise ValueError(f"no submissions table in the zip (files: {', '.join(archive.namelist()[:6])})")
        root, result.encoding = read_text_csv(archive.read(root_name))
        ignored = [n for n in csvs if n not in (root_name, repeat_name)]
        if ignored:
            result.notes.append(f"tables ignored: {', '.join(ignored)}")
        parents = _submissions(root, result, root_name, "SubmissionDate", "KEY", "KEY")
        if repeat_name:
            repeat, _ = read_text_csv(archive.read(repeat_name))
            _repeats(repeat, result, repeat_name, parents, "PARENT_KEY", "KEY")
