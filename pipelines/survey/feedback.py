"""Validation reports an author can send back to each respondent, in the respondent's terms.

The respondent's copy (``<respondent>.html`` and ``.csv``) is written in the respondent's language and
names each problem where the respondent sees it: ``Initiatives!D7`` in a workbook, or the question's
label in an online form; with the initiative's number and title, in row order, saying what to change.
It holds no file path and no internal field name. The author's copy (``author/<respondent>.csv``,
``all-problems.csv``) keeps the file, the field and the pipeline's own reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines.editions import Edition
from pipelines.shared.jinja_env import make_environment
from pipelines.survey import form as F
from pipelines.survey.i18n import SOURCE_LANGUAGE, Messages, language_code, load
from pipelines.survey.model import INITIATIVE_FIELDS, RESPONDENT_FIELDS
from pipelines.survey.validate import IntakeResult
from pipelines.tables.export import write_csv

WORKBOOK_LAYOUTS = ("questionnaire", "workbook")
# (column or None for any, pattern in the pipeline's reason) -> what to tell the respondent; first match wins.
FIXES = [
    (None, r"is required$", "fix.required"),
    ("submission_time", r"", "fix.submission_time"),
    ("country", r"", "fix.country"),
    ("cluster", r"", "fix.cluster"),
    ("subcluster", r"", "fix.subcluster"),
    ("recommendation_ids", r"", "fix.recommendation"),
    (None, r"four digits", "fix.year"),
    ("start_year", r"after the review period", "fix.start_after"),
    ("end_year", r"before the review period", "fix.end_before"),
    ("end_year", r"before it starts", "fix.end_before_start"),
    ("initiative_id", r"duplicate", "fix.duplicate"),
    ("respondent_id", r"no accepted respondent", "fix.respondent"),
    ("respondent_id", r"", "fix.respondent_id"),
    (None, r"not one of|unknown", "fix.choice"),
]
ORDER = {f"respondent:{f.name}": i for i, f in enumerate(RESPONDENT_FIELDS)} | {f"initiative:{f.name}": 100 + i for i, f in enumerate(INITIATIVE_FIELDS)}


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "unnamed"


def report_groups(result: IntakeResult) -> dict[str, pd.DataFrame]:
    """Problems grouped by who must fix them: the respondent id, or the file for unattributed rows."""
    groups: dict[str, pd.DataFrame] = {}
    problems = result.problems
    for key, part in problems.groupby(problems["respondent_id"].where(problems["respondent_id"] != "", problems["file"].map(lambda f: Path(f).stem))):
        groups[_slug(key)] = part
    for respondent in result.respondents["respondent_id"]:
        groups.setdefault(_slug(respondent), problems.iloc[0:0])
    return dict(sorted(groups.items()))


def sheet_reference(sheet: str) -> str:
    """A sheet's name as Excel's Go To box takes it: ``Initiatives``, ``'Sáng kiến'`` (quoted when it
    holds anything but letters, digits and underscores)."""
    return sheet if re.fullmatch(r"\w+", sheet) else "'" + sheet.replace("'", "''") + "'"


def fix_key(column: str, reason: str) -> str:
    """The message telling the respondent what to change, for a problem of the pipeline."""
    for field, pattern, key in FIXES:
        if (field is None or field == column) and re.search(pattern, reason):
            return key
    return "fix.other"


@dataclass(frozen=True)
class Line:
    """One problem as the respondent reads it."""

    where: str
    initiative: str
    value: str
    fix: str


def _question(messages: Messages, record: str, column: str) -> str:
    key = "initiative.recommendation_ids.form_label" if column == "recommendation_ids" else f"{record}.{column}.label"
    if messages.has(key):
        return messages(key)
    return next((f.label for f in RESPONDENT_FIELDS + INITIATIVE_FIELDS if f.name == column), column)


def respondent_lines(problems: pd.DataFrame, result: IntakeResult, messages: Messages, edition: Edition | None = None) -> list[Line]:
    """The problems of one respondent in the respondent's terms, in the order they appear in the file."""
    layouts = dict(zip(result.files["file"], result.files["layout"]))
    data = {(q.file, q.sheet, int(q.row), q.record): q.data for q in result.quarantine.itertuples(index=False) if isinstance(q.data, dict)}
    period = f"{messages.month_year(edition.review_start)} – {messages.month_year(edition.review_end)}" if edition else ""
    values = {"sheet": messages("sheet.recommendations"), "period": period}
    lines = []
    ordered = problems.assign(_order=[ORDER.get(f"{r}:{c}", 999) for r, c in zip(problems["record"], problems["column"])], _kind=(problems["record"] != "respondent").astype(int))
    for p in ordered.sort_values(["_kind", "file", "row", "_order"], kind="stable").itertuples(index=False):
        layout = layouts.get(p.file, "")
        cell = F.cell_of(layout, p.record, p.column, int(p.row)) if layout in WORKBOOK_LAYOUTS else ""
        where = f"{sheet_reference(p.sheet)}!{cell}" if cell else messages("report.where.question", question=_question(messages, p.record, p.column))
        if p.record == "initiative":
            record = data.get((p.file, p.sheet, int(p.row), "initiative"), {})
            initiative = f"{record.get('initiative_id', '')}. {record.get('title', '') or messages('report.untitled')}".strip()
        else:
            initiative = messages("report.organisation")
        fix = messages(fix_key(p.column, p.reason), **values)
        lines.append(Line(where, initiative, str(p.value) if str(p.value) != "" else messages("report.empty"), fix))
    return lines


def _languages(result: IntakeResult) -> dict[str, str]:
    """Respondent (slug) -> language code, from accepted respondents and rejected ones alike."""
    languages = {}
    for q in result.quarantine.itertuples(index=False):
        if q.record == "respondent" and isinstance(q.data, dict) and q.data.get("respondent_id"):
            languages[_slug(q.data["respondent_id"])] = language_code(q.data.get("language", ""))
    if "language" in result.respondents.columns:
        for rid, language in zip(result.respondents["respondent_id"], result.respondents["language"]):
            languages[_slug(rid)] = language_code(language)
    return languages


def write_validation_reports(result: IntakeResult, target: Path, templates_dir: Path, edition: Edition) -> list[Path]:
    """One report per respondent (and per file with unattributed rows) in the respondent's language,
    HTML and CSV, plus the author's copies, the quarantine and the intake log. The edition is named as
    respondents know it (:attr:`Edition.shown_as`)."""
    env = make_environment(str(templates_dir))
    template = env.get_template("validation/respondent.html.j2")
    written = []
    target.mkdir(parents=True, exist_ok=True)
    names = dict(zip(result.respondents["respondent_id"].map(_slug), result.respondents["organisation"]))
    languages = _languages(result)
    layouts = dict(zip(result.files["file"], result.files["layout"]))
    for key, problems in report_groups(result).items():
        messages = load(languages.get(key, SOURCE_LANGUAGE))
        accepted = result.initiatives[result.initiatives["respondent_id"].map(_slug) == key] if not result.initiatives.empty else result.initiatives
        lines = respondent_lines(problems, result, messages, edition)
        html = template.render(
            lang=messages.code, t=messages, title=messages("report.title", who=names.get(key, key)), edition=edition.shown_as,
            summary=messages("report.summary", edition=edition.shown_as, accepted=messages.number(len(accepted)), problems=messages.number(len(lines))),
            lines=lines, note=messages.review_note(),
        )
        (target / f"{key}.html").write_text(html, encoding="utf-8")
        table = pd.DataFrame([vars(line) for line in lines], columns=["where", "initiative", "value", "fix"])
        write_csv(table.rename(columns={"where": messages("report.col.where"), "initiative": messages("report.col.initiative"), "value": messages("report.col.value"), "fix": messages("report.col.fix")}), target / f"{key}.csv")
        cells = [F.cell_of(layouts.get(p.file, ""), p.record, p.column, int(p.row)) for p in problems.itertuples(index=False)]
        write_csv(problems.assign(cell=cells, language=messages.code), target / "author" / f"{key}.csv")
        written += [target / f"{key}.html", target / f"{key}.csv"]
    write_csv(result.problems, target / "all-problems.csv")
    quarantine = result.quarantine.drop(columns=["data"]).assign(data=result.quarantine["data"].map(lambda d: repr(sorted(d.items())) if isinstance(d, dict) else ""))
    write_csv(quarantine, target / "quarantine.csv")
    write_csv(result.files, target / "files.csv")
    (target / "intake-log.txt").write_text("\n".join(result.log + result.structural) + "\n", encoding="utf-8")
    return written
