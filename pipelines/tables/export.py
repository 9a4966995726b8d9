"""Exports for people's spreadsheets and for machines: CSV, XLSX and JSON, the same bytes every time.

Numbers and the markers that say why a number is missing travel in separate columns (a value column
and a ``<column>_status`` flag, as SDMX's OBS_STATUS does), so a numeric column never holds text.
Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return) are prefixed with an apostrophe; real numbers are never touched (``-1000`` stays a
number). Workbooks follow the layout of the UK Government Statistical Service's spreadsheet guidance
(as ONS's gptables writes it): a cover sheet, a contents sheet, a notes sheet, one table per sheet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
STATUS_SUFFIX = "_status"


def escape_cell(value: object) -> object:
    """Neutralise a text cell that a spreadsheet would evaluate; numbers and booleans pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with text cells escaped; columns keep their types (a column of whole numbers with gaps
    is not turned into floats)."""
    out = frame.copy()
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column])):
            out[column] = pd.Series([escape_cell(v) for v in out[column]], index=out.index, dtype=object)
    return out


def as_text(value: object) -> str:
    """A metadata value as a person reads it: lists as lines, mappings as ``key: value`` lines."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return "\n".join(f"{k}: {as_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "\n".join(as_text(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def split_markers(frame: pd.DataFrame, numeric_columns: list[str], decimals: dict[str, int] | None = None) -> pd.DataFrame:
    """Numeric columns as numbers only, with a ``<column>_status`` flag column beside each column that
    holds markers (the marker's status word, e.g. ``nil``, empty where the value is present). Floats are stored at the
    precision stated in ``decimals`` (the precision the metadata states), half away from zero."""
    from pipelines.tables.values import MARKER_STATUS, round_half_up

    decimals = decimals or {}
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        if column not in numeric_columns:
            out[column] = frame[column]
            continue
        cells = list(frame[column])
        is_marker = [isinstance(v, str) for v in cells]
        numbers = [None if marker or v is None else v for v, marker in zip(cells, is_marker)]
        places = decimals.get(column)
        if places is not None:
            numbers = [None if v is None else (int(round_half_up(v, 0)) if places == 0 else round_half_up(v, places)) for v in numbers]
        whole = all(v is None or float(v).is_integer() for v in numbers) and places in (None, 0)
        out[column] = pd.array([None if v is None else (int(v) if whole else float(v)) for v in numbers], dtype="Int64" if whole else "Float64")
        if any(is_marker):
            out[column + STATUS_SUFFIX] = ["" if not m else MARKER_STATUS.get(v, v) for v, m in zip(cells, is_marker)]
    return out


def whole_as_int(value: object) -> object:
    """``17.0`` -> ``17``: a count written as a count, a share keeps its decimals."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    spreadsheet_safe(frame).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def _cell(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value) or value == "":
        return None
    if hasattr(value, "item") and not isinstance(value, str):  # numpy / pandas scalars
        value = value.item()
    if isinstance(value, (list, tuple, dict)):
        return escape_cell(as_text(value))
    return escape_cell(value)


@dataclass
class SheetTable:
    """One table of a workbook: its sheet name, title, the data and notes that apply to it."""

    sheet: str
    title: str
    frame: pd.DataFrame
    description: str = ""
    note_ids: list[str] = field(default_factory=list)


@dataclass
class Workbook:
    """What a published workbook holds: a cover, the tables, and the notes they refer to."""

    title: str
    cover: list[tuple[str, str]]  # (heading, text), in order
    tables: list[SheetTable]
    notes: list[tuple[str, str]] = field(default_factory=list)  # (note id, text)


def write_workbook(book: Workbook, path: Path) -> None:
    """Cover, Contents, Notes (when there are notes), then one table per sheet; header rows frozen, text
    wrapped, fixed document properties and zip times so the same data gives the same bytes."""
    import datetime as dt

    from openpyxl import Workbook as XlsxWorkbook
    from openpyxl.styles import Alignment, Font

    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    workbook = XlsxWorkbook()
    cover = workbook.active
    cover.title = "Cover"
    cover.append([book.title])
    cover["A1"].font = Font(bold=True, size=14)
    for heading, text in book.cover:
        cover.append([])
        cover.append([heading])
        cover.cell(cover.max_row, 1).font = bold
        cover.append([_cell(text)])
        cover.cell(cover.max_row, 1).alignment = wrap
    cover.column_dimensions["A"].width = 100

    contents = workbook.create_sheet("Contents")
    contents.append(["Table of contents"])
    contents["A1"].font = Font(bold=True, size=14)
    contents.append(["Sheet", "Title", "Description"])
    for cell in contents[2]:
        cell.font = bold
    if book.notes:
        contents.append(["Notes", "Notes to the tables", "The notes that the tables refer to by number"])
    for table in book.tables:
        contents.append([table.sheet, table.title, table.description])
    contents.freeze_panes = "A3"
    for column, width in zip("ABC", (16, 70, 70)):
        contents.column_dimensions[column].width = width

    if book.notes:
        notes = workbook.create_sheet("Notes")
        notes.append(["Notes"])
        notes["A1"].font = Font(bold=True, size=14)
        notes.append(["Note", "Text"])
        for cell in notes[2]:
            cell.font = bold
        for note_id, text in book.notes:
            notes.append([note_id, _cell(text)])
            notes.cell(notes.max_row, 2).alignment = wrap
        notes.freeze_panes = "A3"
        notes.column_dimensions["B"].width = 100

    for table in book.tables:
        sheet = workbook.create_sheet(table.sheet[:31])
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True, size=14)
        refers = f"Notes: {', '.join(table.note_ids)} (see the Notes sheet)" if table.note_ids else "This table has no notes"
        sheet.append([refers])
        sheet.append([str(c) for c in table.frame.columns])
        for cell in sheet[3]:
            cell.font = bold
        for row in table.frame.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
        sheet.freeze_panes = "A4"
    fixed = dt.datetime(2000, 1, 1)
    workbook.properties.created = fixed
    workbook.properties.modified = fixed
    workbook.properties.creator = "AFML progress-review pipeline"
    workbook.properties.title = book.title
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    normalise_zip_times(path)


def write_xlsx(sheets: dict[str, pd.DataFrame], path: Path, title: str = "") -> None:
    """A plain workbook of several tables (cover and contents included), for exports without notes."""
    tables = [SheetTable(name[:31], name, frame) for name, frame in sheets.items()]
    write_workbook(Workbook(title or path.stem, [], tables), path)


def normalise_zip_times(path: Path) -> None:
    """Rewrite a zip (XLSX) with fixed member timestamps, so the same data gives the same bytes."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info.filename)) for info in source.infolist()]
    # openpyxl stamps the save time into the document properties: pin it as well.
    stamp = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")
    members = [(info, stamp.sub(rb"\g<1>2000-01-01T00:00:00Z\g<3>", data) if info.filename == "docProps/core.xml" else data) for info, data in members]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data)


def write_json(record: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
