"""The survey's data model, defined once.

The same field definitions produce the questionnaire workbook, map the columns of every input
layout, drive validation and document the model for authors (docs/survey-data-model.md).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pipelines.shared.region import ASEAN_MEMBER_STATES

CONSTITUENCIES = {
    "government": "Government",
    "workers": "Workers' organization",
    "employers": "Employers' organization",
    "civil_society": "Civil society organization",
    "other": "Other (research, international organization…)",
}
STATUSES = {"planned": "Planned", "ongoing": "Ongoing", "completed": "Completed"}
GENDER = {"yes": "Yes", "no": "No", "unknown": "Unknown"}
SOURCES = {
    "questionnaire": "Questionnaire response",
    "literature_review": "Literature review",
    "preparatory_meeting": "National preparatory meeting",
}
SCOPES = {
    "national": "National: implemented in one Member State",
    "regional": "ASEAN level: a regional body, mechanism or network, no single Member State",
}
NATIONAL, REGIONAL = "national", "regional"


@dataclass(frozen=True)
class Field:
    """One question of the questionnaire / one column of the tidy tables."""

    name: str
    label: str
    help: str
    required: bool = False
    choices: dict[str, str] | None = None  # code -> label
    kind: str = "text"  # text | year | list | datetime | choice
    max_length: int = 300  # characters; a longer answer is a problem and its row is quarantined


RESPONDENT_FIELDS = [
    Field("respondent_id", "Respondent ID", "Given by the review team, e.g. IDN-MOM. Keep it on every resubmission.", required=True, max_length=64),
    Field("organisation", "Organization", "Full name of the responding organization.", required=True),
    Field("acronym", "Acronym", "Short name, if any."),
    Field("country", "Member State", "ASEAN Member State of the organization.", required=True, choices=ASEAN_MEMBER_STATES, kind="choice"),
    Field("constituency", "Constituency", "Which kind of stakeholder the organization is.", required=True, choices=CONSTITUENCIES, kind="choice"),
    Field("submission_time", "Submission time", "Filled in automatically by online forms (ISO 8601, UTC).", kind="datetime"),
    Field("language", "Language", "Language of the questionnaire and of the validation report sent back (en, id, vi; English when empty)."),
]

INITIATIVE_FIELDS = [
    Field("initiative_id", "Initiative ID", "Your own reference for the initiative, unique within your response (e.g. 1, 2, 3).", required=True, max_length=64),
    Field("country", "Member State where implemented", "Where the initiative takes place. Required for a national initiative; left empty for an ASEAN-level one.", choices=ASEAN_MEMBER_STATES, kind="choice"),
    Field("title", "Title", "Short name of the programme, law, campaign, service…", required=True),
    Field("description", "Description", "One or two sentences: what was done, for whom, with what result.", required=True, max_length=4000),
    Field("cluster", "Cluster", "The cluster of AFML recommendations it implements (A–J; see the Recommendations sheet).", required=True, kind="choice"),
    Field("subcluster", "Sub-cluster", "The sub-cluster within that cluster (e.g. A1).", kind="choice"),
    Field("recommendation_ids", "Recommendations", "IDs of the recommendations it implements, separated by spaces (e.g. afml05-08 afml07-14).", kind="list", max_length=1000),
    Field("start_year", "Start year", "Year the initiative started or was adopted.", kind="year"),
    Field("end_year", "End year", "Year it ended, if it has.", kind="year"),
    Field("status", "Status", "Planned, ongoing or completed.", choices=STATUSES, kind="choice"),
    Field("gender_responsive", "Gender-responsive", "Does it address the specific needs of women migrant workers?", choices=GENDER, kind="choice"),
    Field("target_group", "Target group", "Who it serves (e.g. migrant domestic workers, returnees, employers).", max_length=1000),
    Field("partners", "Partners", "Partner organizations, separated by semicolons.", max_length=1000),
    Field("evidence_link", "Evidence", "A link or reference to a document that describes it.", max_length=1000),
    Field("source", "Source", "How the review learnt of it.", choices=SOURCES, kind="choice"),
    Field("scope", "Scope", "National (one Member State, the default) or regional (an ASEAN body, mechanism or regional network).", choices=SCOPES, kind="choice"),
    Field("regional_actor", "Regional actor", "For a regional initiative: the ASEAN body or regional network behind it (e.g. ACMW, ASEAN Trade Union Council)."),
]

RESPONDENT_COLUMNS = [f.name for f in RESPONDENT_FIELDS]
INITIATIVE_COLUMNS = ["respondent_id"] + [f.name for f in INITIATIVE_FIELDS]


def _without_format_characters(text: str) -> str:
    """NFKC (non-breaking and other compatibility spaces become spaces) without zero-width and other
    invisible format characters (Unicode category Cf: ZWSP, ZWJ, BOM, direction marks)."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) != "Cf")


def normalise_header(text: str) -> str:
    """A column header with its harmless differences removed: surrounding and repeated spaces,
    non-breaking and zero-width spaces, case; ``group / field`` -> ``group/field``."""
    text = re.sub(r"\s+", " ", _without_format_characters(str(text))).strip().casefold()
    return re.sub(r"\s*/\s*", "/", text)


def normalise_id(text: str) -> str:
    """A respondent id as compared and printed: NFKC, no format characters or spaces, in capitals
    (``idn-mom``, ``IDN-MOM`` and ``IDN-\u200bMOM`` are the same respondent)."""
    return re.sub(r"\s+", "", _without_format_characters(str(text))).upper()


def normalise_name(text: str) -> str:
    """An organisation name as compared between submissions: case, spaces and format characters ignored."""
    return re.sub(r"\s+", " ", _without_format_characters(str(text))).strip().casefold()


def field_by_label() -> dict[str, str]:
    """Questionnaire labels (and names), normalised by :func:`normalise_header` -> field names, for
    reading headers written either way."""
    mapping = {}
    for field in RESPONDENT_FIELDS + INITIATIVE_FIELDS:
        mapping[normalise_header(field.label)] = field.name
        mapping[normalise_header(field.name)] = field.name
    return mapping

