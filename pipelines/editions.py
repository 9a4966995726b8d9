"""Which review editions exist, read from ``sources/editions.yaml``.

An edition is one progress-review paper: the framework whose commitments it reviews (with, for
AFML, the forum it is prepared for and the forums whose recommendations it reviews), the review
period that initiatives must fall in, and where its evidence comes from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pipelines.yamlfiles import Field, YamlError, YamlProblem, did_you_mean, load_yaml, shown_path

EDITIONS_FILE = "editions.yaml"

EDITION_SCHEMA = Field("mapping", required=True, keys={
    "id": Field(required=True, example="review-2024"),
    "framework": Field(required=True, example="my-framework  # a folder under sources/frameworks/"),
    "title": Field(required=True, example="Progress of the implementation of recommendations ..."),
    "subtitle": Field(),
    "prepared_for": Field(example="forum14"),
    "forums_covered": Field("mapping", example="{first: forum03, last: forum13}", keys={
        "first": Field(required=True, example="forum03"),
        "last": Field(required=True, example="forum13"),
    }),
    "instruments_covered": Field("mapping", example="{first: forum03, last: forum13}", keys={
        "first": Field(required=True, example="forum03"),
        "last": Field(required=True, example="forum13"),
    }),
    "evidence": Field("mapping", example="{survey_of: review-2022}", keys={
        "survey_of": Field(example="review-2022"),
    }),
    "review_period": Field("mapping", required=True, example="{start: 2020-11-01, end: 2022-10-31}", keys={
        "start": Field("date", required=True, example="2020-11-01"),
        "end": Field("date", required=True, example="2022-10-31"),
    }),
    "publication_date": Field("date", required=True, example="2022-11-10"),
    "publisher": Field(),
    "language": Field(example="en"),
    "previous_edition": Field(nullable=True, example="review-2022"),
    "rebuild_schedule": Field(example='"0 6 * * 1"'),
})
"""One entry of ``editions.yaml``: the keys an edition may have, and those it must have."""

EDITIONS_SCHEMA = Field("mapping", required=True, keys={"editions": Field("list", required=True, example="(a list of editions)", items=EDITION_SCHEMA)})


@dataclass(frozen=True)
class Edition:
    """One progress-review paper."""

    id: str
    framework: str  # the id of its framework: sources/frameworks/<framework>/
    title: str
    subtitle: str
    prepared_for: str  # the instrument (for AFML: the forum) the paper is prepared for; "" if none
    first_forum: str  # the range of instruments whose commitments it reviews ("" = from the first)
    last_forum: str  # ("" = to the last)
    review_start: dt.date
    review_end: dt.date
    publication_date: dt.date
    publisher: str
    language: str
    previous_edition: str | None
    rebuild_schedule: str = "0 6 * * 1"  # cron, UTC: weekly on Monday morning by default
    survey_of: str | None = None  # the edition whose survey folder holds this edition's evidence (None: its own)

    def covers_forum(self, forum_id: str) -> bool:
        """Whether commitments of the instrument ``forum_id`` are under review in this edition."""
        return (not self.first_forum or self.first_forum <= forum_id) and (not self.last_forum or forum_id <= self.last_forum)

    def reviewed(self, recommendations, memberships=None):
        """The recommendations this edition reviews (and, if given, their cluster memberships)."""
        recs = recommendations[recommendations["forum_id"].map(self.covers_forum)]
        if memberships is None:
            return recs
        return recs, memberships[memberships["recommendation_id"].isin(recs["recommendation_id"])]

    @property
    def review_years(self) -> range:
        return range(self.review_start.year, self.review_end.year + 1)

    @property
    def shown_as(self) -> str:
        """The edition as respondents see it (questionnaire title, feedback): the year of its paper, in
        any language; never the id, which is the pipeline's name for it."""
        return str(self.publication_date.year)

    @property
    def evidence_id(self) -> str:
        """The edition whose survey folder holds this edition's evidence: its own id, or ``survey_of``."""
        return self.survey_of or self.id


def survey_folders_read(editions: dict[str, Edition], edition_id: str) -> list[str]:
    """The editions whose survey folders a build of ``edition_id`` reads, in order: its evidence's, and
    that of its previous edition (read for the change since then). What the build's provenance hashes,
    so that a change to any of them is a change of the build's inputs."""
    edition = editions[edition_id]
    read = [edition.evidence_id]
    if edition.previous_edition in editions:
        read.append(editions[edition.previous_edition].evidence_id)
    return list(dict.fromkeys(read))


def _as_date(value: object, field: str, edition_id: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(f"{EDITIONS_FILE}: edition {edition_id!r}: {field} {value!r} is not a date (YYYY-MM-DD)") from exc


def load_editions(sources_dir: Path) -> dict[str, Edition]:
    """Read every edition declared in ``sources/editions.yaml``, keyed by id, in file order."""
    path = sources_dir / EDITIONS_FILE
    name = shown_path(path)
    raw = load_yaml(path, EDITIONS_SCHEMA, name=name)
    editions: dict[str, Edition] = {}
    for index, entry in enumerate(raw["editions"]):
        edition_id = str(entry["id"])
        if edition_id in editions:
            raise YamlError([YamlProblem(name, raw["editions"].line_of(index), f'the edition "{edition_id}" is declared twice; give each edition its own id')])
        forums = entry.get("instruments_covered") or entry.get("forums_covered") or {}
        period = entry["review_period"]
        editions[edition_id] = Edition(
            id=edition_id,
            framework=str(entry["framework"]),
            title=" ".join(str(entry["title"]).split()),
            subtitle=str(entry.get("subtitle", "")),
            prepared_for=str(entry.get("prepared_for") or ""),
            first_forum=str(forums.get("first") or ""),
            last_forum=str(forums.get("last") or ""),
            review_start=_as_date(period["start"], "review_period.start", edition_id),
            review_end=_as_date(period["end"], "review_period.end", edition_id),
            publication_date=_as_date(entry["publication_date"], "publication_date", edition_id),
            publisher=str(entry.get("publisher", "")),
            language=str(entry.get("language", "en")),
            previous_edition=entry.get("previous_edition"),
            rebuild_schedule=str(entry.get("rebuild_schedule", "0 6 * * 1")),
            survey_of=(entry.get("evidence") or {}).get("survey_of"),
        )
    if not editions:
        raise YamlError([YamlProblem(name, None, "no edition is declared; add one under \"editions:\"")])
    problems = [
        YamlProblem(name, entry.line_of("previous_edition"), f'previous_edition "{entry["previous_edition"]}" is not an edition of this file{did_you_mean(entry["previous_edition"], editions)}')
        for entry in raw["editions"]
        if entry.get("previous_edition") is not None and str(entry["previous_edition"]) not in editions
    ]
    if problems:
        raise YamlError(problems)
    return editions

