"""Which review editions exist, read from ``sources/editions.yaml``.

An edition is one progress-review paper: the framework whose commitments it reviews (with, for
AFML, the forum it is prepared for and the forums whose recommendations it reviews), the review
period that initiatives must fall in, and where its evidence comes from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

EDITIONS_FILE = "editions.yaml"


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
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    editions: dict[str, Edition] = {}
    for entry in raw.get("editions", []):
        edition_id = str(entry["id"])
        if edition_id in editions:
            raise ValueError(f"{path}: edition {edition_id!r} is declared twice")
        if not entry.get("framework"):
            raise ValueError(f"{path}: edition {edition_id!r} names no framework (framework: <id of a folder under sources/frameworks/>)")
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
        raise ValueError(f"{path}: no edition is declared")
    return editions

