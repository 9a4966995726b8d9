"""The questionnaire workbook of an edition, in a respondent's language, generated from the catalog
and the form (:mod:`pipelines.survey.form`).

Made to survive its users: sheets and headings are protected (no password; the answer cells are
unlocked), every answer cell says what to write with an example (input message), every list and year
refuses what it cannot take (error alert), sub-cluster and recommendation lists follow the cluster
chosen in the row (``INDIRECT`` over one named range per cluster, understood by Excel and LibreOffice),
several recommendations go in separate list columns, the header rows stay frozen, and every sheet
prints on A4, fitted to the page width. Nothing internal is asked: the submission time comes from the
file, the source is set by the intake. :mod:`pipelines.survey.form_readers` reads the workbook back.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from pipelines.editions import Edition
from pipelines.survey import form as F
from pipelines.survey.i18n import LANGUAGES, Messages, load

INITIATIVE_ROWS = 200  # rows prepared with numbers, lists and input messages
PRINTED_ROWS = 25  # empty answer rows printed (a blank form to fill in by hand)
HEADER = "1E4F8A"
LOCKED_FILL = "E8EDF3"


def _lines_height(text: str, width: float, points: float = 15.0) -> float:
    """Row height for wrapped text in a column ``width`` characters wide (Excel keeps what it is given)."""
    lines = sum(max(1, math.ceil(len(part) * 1.1 / width)) for part in str(text).split("\n"))
    return max(points, lines * points)


def _page_setup(sheet, messages: Messages, landscape: bool, title_rows: str | None = None, scale: int | None = None) -> None:
    """A4, fitted to the page width (or, for the wide Initiatives sheet, a fixed scale so that its page
    break falls between column groups), page numbers and the translation notice in the footer."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    if scale:
        sheet.page_setup.scale = scale
    else:
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = False
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.7
    if title_rows:
        sheet.print_title_rows = title_rows
    sheet.oddFooter.right.text = messages("footer.page")
    sheet.oddFooter.right.size = 8
    note = messages.review_note()
    if note:
        sheet.oddFooter.left.text = note
        sheet.oddFooter.left.size = 8


def _protect(sheet) -> None:
    """Protected without a password: headings and layout locked, unlocked cells open to answers;
    columns and rows may still be resized."""
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.selectLockedCells = False
    sheet.protection.selectUnlockedCells = False


def _validation(sheet, messages: Messages, title: str, prompt: str, *, kind: str | None = None, formula1: str | None = None, formula2: str | None = None, operator: str | None = None, error: str | None = None):
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(
        type=kind, formula1=formula1, formula2=formula2, operator=operator, allow_blank=True,
        showInputMessage=True, promptTitle=title[:32], prompt=prompt[:255],
        showErrorMessage=kind is not None, errorStyle="stop", errorTitle=messages("error.title")[:32], error=(error or "")[:225],
    )
    sheet.add_data_validation(validation)
    return validation


def _lists_sheet(workbook, messages: Messages, catalog: F.Catalog):
    """The drop-down values (hidden sheet) and one workbook-level name per list and per cluster."""
    from openpyxl.workbook.defined_name import DefinedName

    sheet = workbook.create_sheet("Lists")
    lists: dict[str, list[str]] = {name: [F.list_item(name, code, label) for code, label in choices.items()] for name, choices in F.coded_choices(messages).items()}
    lists["cluster"] = catalog.cluster_items()
    for letter in catalog.clusters:
        lists[f"SUB_{letter}"] = catalog.subcluster_items(letter)
        lists[f"REC_{letter}"] = catalog.recommendations.get(letter, [])
    for column, (name, values) in enumerate(lists.items(), start=1):
        letter = F.column_letter(column)
        sheet.cell(row=1, column=column, value=name)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=column, value=value)
        defined = name if name.startswith(("SUB_", "REC_")) else f"L_{name}"
        last = max(len(values), 1) + 1
        workbook.defined_names[defined] = DefinedName(defined, attr_text=f"Lists!${letter}$2:${letter}${last}")
    sheet.sheet_state = "hidden"
    _protect(sheet)
    return sheet


def _instructions_sheet(sheet, edition: Edition, messages: Messages, catalog: F.Catalog, titles: dict[str, str]) -> None:
    from openpyxl.styles import Alignment, Font

    others = ", ".join(load(code).name for code in LANGUAGES)
    total = len({r for recs in catalog.recommendations.values() for r in recs})
    lines = [
        (messages("title", edition=edition.shown_as), Font(bold=True, size=14, color=HEADER)),
        (messages("intro", start=messages.month_year(edition.review_start), end=messages.month_year(edition.review_end)), None),
        (messages("step.respondent", sheet=titles["respondent"]), None),
        (messages("step.initiatives", sheet=titles["initiatives"], row=F.FIRST_ROW), None),
        (messages("step.cluster"), None),
        (messages("step.recommendations", count=messages.number(F.RECOMMENDATION_COLUMNS), sheet=titles["recommendations"], total=messages.number(total)), None),
        (messages("step.protection"), None),
        (messages("step.send"), None),
        (messages("step.feedback"), Font(italic=True)),
        (messages("step.languages", languages=others), Font(italic=True)),
    ]
    note = messages.review_note()
    if note:
        lines.append((note, Font(italic=True, color="9C2B23")))
    width = 80
    sheet.column_dimensions["A"].width = width
    for row, (text, font) in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if font is not None:
            cell.font = font
        sheet.row_dimensions[row].height = _lines_height(text, width, 20 if row == 1 else 15) + 4
    _protect(sheet)
    sheet.print_area = f"A1:A{len(lines)}"


def _respondent_sheet(sheet, messages: Messages, prefill: dict) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    header = [messages("col.question"), messages("col.answer"), messages("col.help"), "field"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER)
    choices = F.coded_choices(messages)
    for name in F.RESPONDENT_QUESTIONS:
        row = F.respondent_row(name)
        label, help_text = messages(f"respondent.{name}.label"), messages(f"respondent.{name}.help")
        value = str(prefill.get(name, "") or "")
        if name in choices and value:
            codes = {c.lower(): c for c in choices[name]}
            code = codes.get(value.split(" – ", 1)[0].strip().lower())
            value = F.list_item(name, code, choices[name][code]) if code else value
        sheet.cell(row=row, column=1, value=label).font = Font(bold=True)
        answer = sheet.cell(row=row, column=2, value=value or None)
        answer.number_format = "@"
        locked = name == "respondent_id" and bool(value)  # an id given by the review team stays as given
        answer.protection = Protection(locked=locked)
        if locked:
            answer.fill = PatternFill("solid", fgColor=LOCKED_FILL)
        sheet.cell(row=row, column=3, value=help_text).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row=row, column=4, value=name)
        for column in (1, 2):
            sheet.cell(row=row, column=column).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row].height = _lines_height(help_text, 48) + 2
        if name in choices:
            validation = _validation(sheet, messages, label, help_text, kind="list", formula1=f"L_{name}", error=messages("error.list"))
        else:
            validation = _validation(sheet, messages, label, help_text)
        validation.add(f"B{row}")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 46
    sheet.column_dimensions["C"].width = 48
    sheet.column_dimensions["D"].hidden = True
    sheet.freeze_panes = "A2"
    _protect(sheet)
    sheet.print_area = f"A1:C{1 + len(F.RESPONDENT_QUESTIONS)}"


def _initiatives_sheet(sheet, messages: Messages, titles: dict[str, str], initiatives: list[dict]) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.worksheet.pagebreak import Break

    columns = F.initiative_columns()
    box = Border(*(Side(style="thin", color="B7C3D0"),) * 4)
    last = max(INITIATIVE_ROWS, len(initiatives) + 50) + F.HEADER_ROWS
    letters = {}
    choices = F.coded_choices(messages)
    for index, column in enumerate(columns, start=1):
        letter = F.column_letter(index)
        letters.setdefault(column.field, []).append(letter)
        label = messages(f"{column.key}.label", number=column.number)
        help_text = messages(f"{column.key}.help", sheet=titles["recommendations"])
        head = sheet.cell(row=1, column=index, value=label)
        head.font = Font(bold=True, color="FFFFFF")
        head.fill = PatternFill("solid", fgColor=HEADER)
        head.alignment = Alignment(wrap_text=True, vertical="top")
        hint = sheet.cell(row=2, column=index)
        hint.fill = PatternFill("solid", fgColor=LOCKED_FILL)
        if column.number <= 1 and column.field != "initiative_id":  # one hint over all the recommendation columns; the number needs none
            hint.value = help_text
            hint.font = Font(italic=True, size=8)
            hint.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[letter].width = column.width
        cells = f"{letter}{F.FIRST_ROW}:{letter}{last}"
        if column.field == "initiative_id":
            _validation(sheet, messages, label, help_text).add(cells)
            continue
        if column.list_name in choices or column.list_name == "cluster":
            validation = _validation(sheet, messages, label, help_text, kind="list", formula1=f"L_{column.list_name}", error=messages("error.list"))
        elif column.list_name in ("subcluster", "recommendation"):
            prefix = "SUB_" if column.list_name == "subcluster" else "REC_"
            cluster = letters["cluster"][0]
            validation = _validation(sheet, messages, label, help_text, kind="list", formula1=f'INDIRECT("{prefix}"&LEFT(${cluster}{F.FIRST_ROW},1))', error=messages("error.list_dependent"))
        elif column.field == "start_year":
            validation = _validation(sheet, messages, label, help_text, kind="whole", operator="between", formula1="1950", formula2="2100", error=messages("error.year"))
        elif column.field == "end_year":
            start = letters["start_year"][0]
            rule = f"AND(ISNUMBER({letter}{F.FIRST_ROW}),{letter}{F.FIRST_ROW}>=1950,{letter}{F.FIRST_ROW}<=2100,OR({start}{F.FIRST_ROW}=\"\",{letter}{F.FIRST_ROW}>={start}{F.FIRST_ROW}))"
            validation = _validation(sheet, messages, label, help_text, kind="custom", formula1=rule, error=messages("error.end_year"))
        else:
            validation = _validation(sheet, messages, label, help_text)
        validation.add(cells)
    labels = [(messages(f"{c.key}.label", number=c.number), c.width) for c in columns]
    sheet.row_dimensions[1].height = max(_lines_height(text, width * 0.9) for text, width in labels) + 2
    hints = [(messages(f"{c.key}.help", sheet=titles["recommendations"]), c.width * (F.RECOMMENDATION_COLUMNS if c.number else 1)) for c in columns if c.number <= 1 and c.field != "initiative_id"]
    sheet.row_dimensions[2].height = max(_lines_height(text, width * 1.3, 10.5) for text, width in hints) + 4
    first, last_rec = letters["recommendation_ids"][0], letters["recommendation_ids"][-1]
    sheet.merge_cells(f"{first}2:{last_rec}2")
    for row in range(F.FIRST_ROW, last + 1):
        given = initiatives[row - F.FIRST_ROW] if row - F.FIRST_ROW < len(initiatives) else {}
        recommendations = str(given.get("recommendation_ids", "")).split()
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=row, column=index)
            if column.field == "initiative_id":
                cell.value = given.get("initiative_id") or row - F.HEADER_ROWS
                cell.fill = PatternFill("solid", fgColor=LOCKED_FILL)
                cell.alignment = Alignment(horizontal="center", vertical="top")
                continue
            cell.protection = Protection(locked=False)
            cell.border = box
            cell.alignment = Alignment(wrap_text=column.field in ("title", "description", "target_group", "partners", "evidence_link"), vertical="top")
            if column.field not in ("start_year", "end_year"):
                cell.number_format = "@"  # text: ids keep their leading zeros
            value = recommendations[column.number - 1] if column.number and column.number <= len(recommendations) else ("" if column.number else given.get(column.field, ""))
            if value not in ("", None):
                cell.value = int(value) if column.field in ("start_year", "end_year") and str(value).isdigit() else value
    sheet.freeze_panes = f"C{F.FIRST_ROW}"
    sheet.print_options.gridLines = True  # a printed blank form shows the boxes to write in
    sheet.print_title_cols = "A:A"  # the initiative's number on every printed page
    sheet.col_breaks.append(Break(id=[c.field for c in columns].index("subcluster") + 1))  # printed: recommendations onwards on a second page
    _protect(sheet)
    sheet.print_area = f"A1:{F.column_letter(len(columns))}{F.FIRST_ROW + max(PRINTED_ROWS, len(initiatives) + 5) - 1}"


def _recommendations_sheet(sheet, messages: Messages, catalog: F.Catalog, titles: dict[str, str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    widths = {"A": 8, "B": 28, "C": 14, "D": 12, "E": 5, "F": 80}
    sheet.append([messages("ref.note", sheet=titles["initiatives"])])
    sheet.merge_cells("A1:F1")
    sheet["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[1].height = 32
    sheet.append([messages(k) for k in ("ref.cluster", "ref.subcluster", "ref.id", "ref.forum", "ref.number", "ref.text")])
    for cell in sheet[2]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in catalog.reference.itertuples(index=False):
        sheet.append([row.cluster, row.subcluster, row.recommendation_id, messages("ref.forum_value", number=messages.number(int(row.forum))), row.number, row.text])
        current = sheet.max_row
        for cell in sheet[current]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[current].height = max(_lines_height(row.text, widths["F"] * 1.5, 11.5), _lines_height(row.subcluster, widths["B"] * 1.5, 11.5)) + 2
        for cell in sheet[current]:
            cell.font = Font(size=9)
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    _protect(sheet)
    sheet.protection.autoFilter = False
    sheet.auto_filter.ref = f"A2:F{sheet.max_row}"


def _form_sheet(workbook, edition: Edition, messages: Messages, titles: dict[str, str]) -> None:
    """What the reader needs to know about this workbook (very hidden: not listed to respondents)."""
    sheet = workbook.create_sheet(F.FORM_SHEET)
    for key, value in [("form_id", F.FORM_ID), ("version", F.FORM_VERSION), ("edition", edition.id), ("language", messages.code)] + [(f"sheet.{role}", title) for role, title in titles.items()]:
        sheet.append([key, value])
    sheet.sheet_state = "veryHidden"
    _protect(sheet)


def write_questionnaire(
    edition: Edition, clusters: pd.DataFrame, subclusters: pd.DataFrame, recommendations: pd.DataFrame, memberships: pd.DataFrame, forums: pd.DataFrame,
    target: Path, prefill: dict | None = None, initiatives: list[dict] | None = None, language: str = "en",
) -> Path:
    """Write the workbook in ``language``; ``prefill`` (the respondent's details) and ``initiatives``
    fill it in. ``recommendations`` are those reviewed in the edition."""
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    from pipelines.tables.export import normalise_zip_times

    messages = load(language)
    catalog = F.Catalog.build(clusters, subclusters, recommendations, memberships, forums)
    titles = {role: messages(f"sheet.{role}") for role in F.SHEETS}
    workbook = Workbook()
    info = workbook.active
    info.title = titles["instructions"]
    respondent = workbook.create_sheet(titles["respondent"])
    sheet = workbook.create_sheet(titles["initiatives"])
    reference = workbook.create_sheet(titles["recommendations"])
    _lists_sheet(workbook, messages, catalog)
    _form_sheet(workbook, edition, messages, titles)
    _instructions_sheet(info, edition, messages, catalog, titles)
    _respondent_sheet(respondent, messages, prefill or {})
    _initiatives_sheet(sheet, messages, titles, list(initiatives or []))
    _recommendations_sheet(reference, messages, catalog, titles)
    _page_setup(info, messages, landscape=False)
    _page_setup(respondent, messages, landscape=False)
    _page_setup(sheet, messages, landscape=True, title_rows="1:2", scale=58)
    _page_setup(reference, messages, landscape=False, title_rows="2:2")
    workbook.security = WorkbookProtection(lockStructure=True)  # no password: sheets cannot be renamed, moved or deleted
    workbook.active = 1 if prefill else 0

    fixed = dt.datetime(*F.GENERATED_AT)
    workbook.properties.created = workbook.properties.modified = fixed
    workbook.properties.creator = "AFML progress-review pipeline"
    workbook.properties.title = messages("title", edition=edition.shown_as)
    workbook.properties.language = language
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    normalise_zip_times(target)
    return target


def respondents_to_prefill(survey_folder: Path, listed: Path, root: Path, catalogue) -> pd.DataFrame:
    """The respondents an author can generate workbooks for, with their details: the edition's
    ``respondents.csv`` when the author keeps one (columns as the data model's respondent fields),
    else the respondents accepted from the edition's survey folder (a new round for the same people)."""
    from pipelines.survey.intake import run_intake

    if listed.exists():
        frame = pd.read_csv(listed, dtype=str, keep_default_na=False)
    else:
        frame = run_intake(survey_folder, root, catalogue).respondents
    columns = [c for c in F.RESPONDENT_QUESTIONS if c in frame.columns]
    return frame[columns].fillna("")
