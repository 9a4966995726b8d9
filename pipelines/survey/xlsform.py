"""The questionnaire as an XLSForm, for KoboToolbox and ODK: the same questions, choices and hints
as the workbook (:mod:`pipelines.survey.form`), labelled in every language of the catalogs
(``label::English (en)``), with constraints, the sub-cluster and recommendation lists filtered by the
chosen cluster (``choice_filter``) and a repeat group, one entry per initiative.

The exports those platforms produce from it are read back by :mod:`pipelines.survey.form_readers`:
the group ``respondent`` and the repeat ``initiative`` give the headers ``respondent/organisation``
(Kobo) or ``respondent-organisation`` (ODK Central), and the repeat's own sheet or CSV.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.editions import Edition
from pipelines.survey import form as F
from pipelines.survey.form_readers import GROUP, REPEAT
from pipelines.survey.i18n import LANGUAGES, Messages, load

YEAR = ". >= 1950 and . <= 2100"
END_YEAR = f"{YEAR} and (string-length(${{start_year}}) = 0 or . >= ${{start_year}})"
TYPES = {"country": "select_one country", "constituency": "select_one constituency", "language": "select_one language", "status": "select_one status", "gender_responsive": "select_one gender_responsive", "scope": "select_one scope"}


def _translated(row: dict, column: str, key: str | None, languages: list[Messages], **values) -> dict:
    """``label::English (en)`` … for every language (nothing when ``key`` is None)."""
    if key:
        for messages in languages:
            row[f"{column}::{messages.xlsform_language}"] = messages(key, **values)
    return row


def survey_rows(edition: Edition, languages: list[Messages]) -> list[dict]:
    rows = [
        {"type": "start", "name": "start"},
        {"type": "end", "name": "end"},
        {"type": "note", "name": "intro"},
        _translated({"type": "begin_group", "name": GROUP}, "label", "form.group.respondent", languages),
    ]
    for messages in languages:  # each language writes the dates its own way; an unreviewed one says so
        text = messages("intro", start=messages.month_year(edition.review_start), end=messages.month_year(edition.review_end))
        rows[2][f"label::{messages.xlsform_language}"] = "\n\n".join(filter(None, [text, messages.review_note()]))
    for name in F.RESPONDENT_QUESTIONS:
        row = {"type": TYPES.get(name, "text"), "name": name, "required": "yes" if name in ("respondent_id", "organisation", "country", "constituency") else ""}
        _translated(row, "label", f"respondent.{name}.label", languages)
        rows.append(_translated(row, "hint", f"respondent.{name}.help", languages))
    rows.append({"type": "end_group", "name": ""})
    rows.append(_translated({"type": "begin_repeat", "name": REPEAT}, "label", "form.repeat.initiative", languages))
    rows.append({"type": "calculate", "name": "initiative_id", "calculation": "position(..)"})
    for column in F.initiative_columns():
        name = column.field
        if name == "initiative_id" or column.number > 1:
            continue
        row = {"type": TYPES.get(name, "text"), "name": name, "required": "yes" if name in ("country", "title", "description", "cluster") else ""}
        if name == "cluster":
            row["type"] = "select_one cluster"
        elif name == "subcluster":
            row |= {"type": "select_one subcluster", "choice_filter": "cluster=${cluster}"}
        elif name == "recommendation_ids":
            row |= {"type": "select_multiple recommendation", "choice_filter": "selected(clusters, ${cluster})"}
        elif name in ("start_year", "end_year"):
            row |= {"type": "integer", "constraint": YEAR if name == "start_year" else END_YEAR}
            _translated(row, "constraint_message", "error.year" if name == "start_year" else "error.end_year", languages)
        elif name == "description":
            row["appearance"] = "multiline"
        label = "initiative.recommendation_ids.form_label" if column.number else f"{column.key}.label"
        hint = "initiative.recommendation_ids.form_help" if column.number else f"{column.key}.help"
        _translated(row, "label", label, languages, number="")
        rows.append(_translated(row, "hint", hint, languages, sheet=languages[0]("sheet.recommendations")))
    rows.append({"type": "end_repeat", "name": ""})
    return rows


def choice_rows(catalog: F.Catalog, languages: list[Messages]) -> list[dict]:
    """Fixed lists labelled in every language; catalog lists in their official English."""
    rows = []
    for list_name in ("country", "constituency", "language", "status", "gender_responsive", "scope"):
        labels = {m.xlsform_language: F.coded_choices(m)[list_name] for m in languages}
        for code in labels[languages[0].xlsform_language]:
            rows.append({"list_name": list_name, "name": code} | {f"label::{lang}": choices[code] for lang, choices in labels.items()})
    english = {f"label::{m.xlsform_language}" for m in languages}
    for letter, title in catalog.clusters.items():
        rows.append({"list_name": "cluster", "name": letter} | dict.fromkeys(english, f"{letter} – {title}"))
    for letter, subclusters in catalog.subclusters.items():
        for subcluster, title in subclusters:
            rows.append({"list_name": "subcluster", "name": subcluster, "cluster": letter} | dict.fromkeys(english, f"{subcluster} – {title}"))
    clusters_of: dict[str, list[str]] = {}
    for letter, ids in catalog.recommendations.items():
        for rid in ids:
            clusters_of.setdefault(rid, []).append(letter)
    for rid, letters in clusters_of.items():
        rows.append({"list_name": "recommendation", "name": rid, "clusters": " ".join(letters)} | dict.fromkeys(english, rid))
    return rows


def xlsform_sheets(edition: Edition, catalog: F.Catalog, default_language: str = "en") -> dict[str, list[dict]]:
    """The three sheets as rows; ``default_language`` is listed first and named in the settings."""
    languages = [load(default_language)] + [load(c) for c in LANGUAGES if c != default_language]
    return {
        "survey": survey_rows(edition, languages),
        "choices": choice_rows(catalog, languages),
        "settings": [{"form_title": languages[0]("title", edition=edition.shown_as), "form_id": f"{F.FORM_ID}_{edition.id.replace('-', '_')}", "version": F.FORM_VERSION, "default_language": languages[0].xlsform_language}],
    }


def write_xlsform(edition: Edition, catalog: F.Catalog, target: Path, default_language: str = "en") -> Path:
    """Write the XLSForm workbook (survey, choices, settings) that KoboToolbox and ODK Central accept."""
    import datetime as dt

    from openpyxl import Workbook

    from pipelines.tables.export import normalise_zip_times

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in xlsform_sheets(edition, catalog, default_language).items():
        sheet = workbook.create_sheet(title)
        columns = list(dict.fromkeys(k for row in rows for k in row))
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(c, "") or None for c in columns])
    workbook.properties.created = workbook.properties.modified = dt.datetime(*F.GENERATED_AT)
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    normalise_zip_times(target)
    return target
