"""The questionnaire as a form: which questions are asked of respondents, in which order, with which
choices, and where each answer sits in the workbook. The workbook (:mod:`questionnaire`), the XLSForm
(:mod:`xlsform`), the readers of both (:mod:`form_readers`) and the feedback (:mod:`feedback`) all take
their layout from here, so they cannot drift apart.

Not asked: ``submission_time`` (taken from the file's properties or the form platform) and ``source``
(set by the intake). The initiative number is written in the workbook, counted by the form.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipelines.shared.region import ASEAN_MEMBER_STATES
from pipelines.survey.i18n import LANGUAGES, Messages
from pipelines.survey.model import CONSTITUENCIES, GENDER, INITIATIVE_FIELDS, RESPONDENT_FIELDS, SCOPES, STATUSES

FORM_ID = "afml_questionnaire"
FORM_VERSION = "2"
FORM_SHEET = "Form"  # very hidden: form id, version, language, the sheets' titles
HEADER_ROWS = 2  # a row of labels, a row saying what to write
FIRST_ROW = HEADER_ROWS + 1
RECOMMENDATION_COLUMNS = 5
GENERATED_AT = (2000, 1, 1)  # the fixed file time of a generated workbook: not a submission time
# ISO 3166 alpha-3 -> alpha-2, for the country names CLDR (Babel) has in every language.
ALPHA2 = {"BRN": "BN", "KHM": "KH", "IDN": "ID", "LAO": "LA", "MYS": "MY", "MMR": "MM", "PHL": "PH", "SGP": "SG", "THA": "TH", "VNM": "VN"}
SHEETS = ("instructions", "respondent", "initiatives", "recommendations")

RESPONDENT_QUESTIONS = ("respondent_id", "organisation", "acronym", "country", "constituency", "language")


@dataclass(frozen=True)
class Column:
    """One column of the Initiatives sheet."""

    field: str  # the data model's field
    width: float
    list_name: str | None = None  # drop-down list
    number: int = 0  # the n-th of several columns of one field (recommendations)

    @property
    def key(self) -> str:
        return f"initiative.{self.field}"


def initiative_columns() -> list[Column]:
    recommendations = [Column("recommendation_ids", 13, "recommendation", n) for n in range(1, RECOMMENDATION_COLUMNS + 1)]
    return [
        Column("initiative_id", 6),
        Column("country", 18, "country"),
        Column("title", 30),
        Column("description", 48),
        Column("cluster", 24, "cluster"),
        Column("subcluster", 26, "subcluster"),
        *recommendations,
        Column("start_year", 11),
        Column("end_year", 11),
        Column("status", 14, "status"),
        Column("gender_responsive", 14, "gender_responsive"),
        Column("target_group", 20),
        Column("partners", 20),
        Column("evidence_link", 24),
        # Rarely needed, so last: an initiative of an ASEAN body or regional network (no Member State).
        Column("scope", 20, "scope"),
        Column("regional_actor", 22),
    ]


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def respondent_row(field: str) -> int:
    return 2 + RESPONDENT_QUESTIONS.index(field)


def cell_of(layout: str, record: str, field: str, row: int) -> str:
    """Where a respondent sees an answer in a workbook: ``D7`` (or ``G7:K7`` for the recommendation
    columns). ``layout`` is the reader's: ``questionnaire`` (this form) or ``workbook`` (the first one)."""
    if layout == "questionnaire":
        if record == "respondent":
            return f"B{respondent_row(field)}" if field in RESPONDENT_QUESTIONS else ""
        places = [i for i, c in enumerate(initiative_columns(), start=1) if c.field == field]
        if not places:
            return ""
        first, last = column_letter(places[0]), column_letter(places[-1])
        return f"{first}{row}" if first == last else f"{first}{row}:{last}{row}"
    if layout == "workbook":
        if record == "respondent":
            names = [f.name for f in RESPONDENT_FIELDS]
            return f"B{2 + names.index(field)}" if field in names else ""
        names = [f.name for f in INITIATIVE_FIELDS]
        return f"{column_letter(names.index(field) + 1)}{row}" if field in names else ""
    return ""


# --- choices --------------------------------------------------------------------------------------

def country_names(messages: Messages) -> dict[str, str]:
    """Member State names in the language: ASEAN's official English names, CLDR's in the others."""
    if messages.code == "en":
        return dict(ASEAN_MEMBER_STATES)
    from babel import Locale

    territories = Locale.parse(messages.code).territories
    return {code: territories.get(ALPHA2[code], name) for code, name in ASEAN_MEMBER_STATES.items()}


def coded_choices(messages: Messages) -> dict[str, dict[str, str]]:
    """The fixed lists, code -> label in the language."""
    return {
        "country": country_names(messages),
        "constituency": {c: messages(f"choice.constituency.{c}") for c in CONSTITUENCIES},
        "language": {c: messages(f"language.{c}") for c in LANGUAGES},
        "status": {c: messages(f"choice.status.{c}") for c in STATUSES},
        "gender_responsive": {c: messages(f"choice.gender_responsive.{c}") for c in GENDER},
        "scope": {c: messages(f"choice.scope.{c}") for c in SCOPES},
    }


def list_item(list_name: str, code: str, label: str) -> str:
    """The text a drop-down shows: ``IDN – Indonesia`` for countries (the code is what validation
    reads), the label alone for the others (read back through :func:`label_codes`)."""
    return f"{code} – {label}" if list_name == "country" else label


@dataclass(frozen=True)
class Catalog:
    """The parts of the recommendation catalog the form offers, restricted to the edition."""

    clusters: dict[str, str]  # letter -> title
    subclusters: dict[str, list[tuple[str, str]]]  # letter -> [(id, title)]
    recommendations: dict[str, list[str]]  # letter -> reviewed recommendation ids (catalog order)
    reference: pd.DataFrame  # cluster, subcluster, recommendation_id, forum ordinal, number, text

    @classmethod
    def build(cls, clusters: pd.DataFrame, subclusters: pd.DataFrame, recommendations: pd.DataFrame, memberships: pd.DataFrame, forums: pd.DataFrame) -> "Catalog":
        reviewed = set(recommendations["recommendation_id"])
        members = memberships[memberships["recommendation_id"].isin(reviewed)]
        subs: dict[str, list[tuple[str, str]]] = {c: [] for c in clusters["cluster"]}
        for row in subclusters.itertuples(index=False):
            subs.setdefault(row.cluster, []).append((row.subcluster_id, row.title))
        recs = {c: list(dict.fromkeys(members.loc[members["cluster"] == c, "recommendation_id"])) for c in clusters["cluster"]}
        ordinals = dict(zip(forums["forum_id"], forums["number"]))
        by_id = recommendations.set_index("recommendation_id")
        titles = dict(zip(subclusters["subcluster_id"], subclusters["title"]))
        reference = pd.DataFrame(
            [
                {"cluster": m.cluster, "subcluster": f"{m.subcluster_id} – {titles[m.subcluster_id]}", "recommendation_id": m.recommendation_id,
                 "forum": str(ordinals[by_id.loc[m.recommendation_id, "forum_id"]]), "number": int(by_id.loc[m.recommendation_id, "number"]), "text": by_id.loc[m.recommendation_id, "text"]}
                for m in members.itertuples(index=False)
            ]
        )
        return cls(dict(zip(clusters["cluster"], clusters["title"])), subs, recs, reference)

    def cluster_items(self) -> list[str]:
        return [f"{c} – {t}" for c, t in self.clusters.items()]

    def subcluster_items(self, cluster: str) -> list[str]:
        return [f"{s} – {t}" for s, t in self.subclusters.get(cluster, [])]
