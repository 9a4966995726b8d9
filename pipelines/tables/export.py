"""Exports for people's spreadsheets: CSV and XLSX with a JSON metadata sidecar per table.

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return) are prefixed with an apostrophe. Numbers stay numbers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: object) -> object:
    """Neutralise a text cell that a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.apply(lambda column: column.map(escape_cell))


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    spreadsheet_safe(frame).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def write_xlsx(sheets: dict[str, pd.DataFrame], path: Path) -> None:
    """One workbook, one sheet per frame; fixed document properties so the bytes do not depend on the clock."""
    import datetime as dt

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, frame in sheets.items():
        sheet = workbook.create_sheet(title[:31])
        sheet.append([str(c) for c in frame.columns])
        for row in spreadsheet_safe(frame).itertuples(index=False):
            sheet.append([None if v == "" else v for v in row])
        sheet.freeze_panes = "A2"
    fixed = dt.datetime(2000, 1, 1)
    workbook.properties.created = fixed
    workbook.properties.modified = fixed
    workbook.properties.creator = "AFML progress-review pipeline"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    normalise_zip_times(path)


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
