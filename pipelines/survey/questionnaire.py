"""The questionnaire workbook of an edition, generated from the catalog and the data model.

Sheets: Instructions; Respondent (one answer per field); Initiatives (one row per initiative, with
drop-down lists for country, cluster, sub-cluster, status, gender and source); Recommendations (the
recommendations under review, by cluster and sub-cluster); Lists (the drop-down values, hidden).
The workbook it writes is exactly what :mod:`pipelines.survey.readers` reads back.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.catalog.schemas import ASEAN_MEMBER_STATES
from pipelines.editions import Edition
from pipelines.frameworks import Framework
from pipelines.survey.model import CONSTITUENCIES, GENDER, INITIATIVE_FIELDS, RESPONDENT_FIELDS, SOURCES, STATUSES

INITIATIVE_ROWS = 200  # rows prepared with drop-downs


def _instructions(edition: Edition, framework: Framework) -> list[str]:
    words = framework.vocabulary
    return [
        f"Questionnaire for the {framework.short_title} progress review — edition {edition.id}",
        "",
        f"Please report initiatives implemented between {edition.review_start:%B %Y} and {edition.review_end:%B %Y}",
        f"that contribute to the {framework.title[:1].lower() + framework.title[1:]}.",
        "",
        "1. Fill in the Respondent sheet (one answer per line). Keep the Respondent ID you were given.",
        "2. Describe each initiative on its own line of the Initiatives sheet. Use the drop-down lists.",
        f"3. The {words.Commitments} sheet lists the {words.commitments} by {words.group}" + (f" and {words.subgroup}" if words.has_subgroups else "") + ", with their IDs.",
        "4. Send the file back as it is (do not rename sheets). A later file from you replaces the earlier one.",
        "",
        "Every problem found in your answers is listed in a validation report that the review team sends back.",
    ]


def write_questionnaire(edition: Edition, clusters: pd.DataFrame, subclusters: pd.DataFrame, recommendations: pd.DataFrame, memberships: pd.DataFrame, forums: pd.DataFrame, target: Path, prefill: dict | None = None, initiatives: list[dict] | None = None, framework: Framework | None = None) -> Path:
    """Write the workbook; ``prefill`` and ``initiatives`` fill it in (used for demo data and tests).
    The framework (by default the edition's, read from sources/) gives the words: what a commitment
    and a group are called."""
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from pipelines.tables.export import normalise_zip_times

    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="1E4F8A")
    workbook = Workbook()
    info = workbook.active
    info.title = "Instructions"
    if framework is None:
        from pipelines.frameworks import load_framework
        from pipelines.settings import ProjectPaths

        framework = load_framework(ProjectPaths().sources, edition.framework)
    words = framework.vocabulary
    for line in _instructions(edition, framework):
        info.append([line])
    info["A1"].font = Font(bold=True, size=14)
    info.column_dimensions["A"].width = 110

    lists = workbook.create_sheet("Lists")
    choice_lists = {
        "country": [f"{code} – {name}" for code, name in ASEAN_MEMBER_STATES.items()],
        "constituency": list(CONSTITUENCIES),
        "cluster": [f"{r.cluster} – {r.title}" for r in clusters.itertuples(index=False)],
        "subcluster": [f"{r.subcluster_id} – {r.title}" for r in subclusters.itertuples(index=False)],
        "status": list(STATUSES),
        "gender_responsive": list(GENDER),
        "source": list(SOURCES),
    }
    ranges = {}
    for column, (name, values) in enumerate(choice_lists.items(), start=1):
        letter = lists.cell(row=1, column=column).column_letter
        lists.cell(row=1, column=column, value=name).font = bold
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=column, value=value)
        ranges[name] = f"Lists!${letter}$2:${letter}${len(values) + 1}"
    lists.sheet_state = "hidden"

    respondent = workbook.create_sheet("Respondent", 1)
    respondent.append(["Question", "Answer", "field"])
    for cell in respondent[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
    for field in RESPONDENT_FIELDS:
        respondent.append([field.label, (prefill or {}).get(field.name, ""), field.name])
    respondent.column_dimensions["A"].width = 28
    respondent.column_dimensions["B"].width = 70
    respondent.column_dimensions["C"].hidden = True
    for offset, field in enumerate(RESPONDENT_FIELDS, start=2):
        respondent.cell(row=offset, column=2).number_format = "@"
        if field.name in ("country", "constituency"):
            validation = DataValidation(type="list", formula1=ranges[field.name], allow_blank=True)
            respondent.add_data_validation(validation)
            validation.add(f"B{offset}")

    sheet = workbook.create_sheet("Initiatives", 2)
    sheet.append([f.label for f in INITIATIVE_FIELDS])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for row in initiatives or []:
        sheet.append([row.get(f.name, "") for f in INITIATIVE_FIELDS])
    last = max(INITIATIVE_ROWS, len(initiatives or []) + 50) + 1
    for index, field in enumerate(INITIATIVE_FIELDS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = 40 if field.name in ("description", "title") else 18
        if field.kind != "year":
            for row in range(2, last + 1):
                sheet.cell(row=row, column=index).number_format = "@"  # text: ids keep leading zeros
        if field.name in ranges:
            validation = DataValidation(type="list", formula1=ranges[field.name], allow_blank=True, showErrorMessage=True, error="Choose a value from the list")
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last}")
        if field.kind == "year":
            validation = DataValidation(type="whole", operator="between", formula1="1950", formula2="2100", allow_blank=True)
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last}")

    reference = workbook.create_sheet(words.Commitments[:31], 3)
    reference.append([words.Group, words.Subgroup, f"{words.Commitment} ID", words.Instrument, "No.", "Text"])
    for cell in reference[1]:
        cell.font = bold
    instruments = {f["forum_id"]: framework.instrument_label(f) for f in forums.to_dict("records")}
    recs = recommendations.set_index("recommendation_id")
    titles = dict(zip(subclusters["subcluster_id"], subclusters["title"]))
    for m in memberships.itertuples(index=False):
        if m.recommendation_id not in recs.index:
            continue
        rec = recs.loc[m.recommendation_id]
        reference.append([m.cluster, f"{m.subcluster_id} – {titles[m.subcluster_id]}", m.recommendation_id, instruments[rec["forum_id"]], int(rec["number"]), rec["text"]])
    reference.column_dimensions["F"].width = 120

    fixed = dt.datetime(2000, 1, 1)
    workbook.properties.created = workbook.properties.modified = fixed
    workbook.properties.creator = "AFML progress-review pipeline"
    workbook.properties.title = f"{framework.short_title} progress review questionnaire ({edition.id})"
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    normalise_zip_times(target)
    return target
