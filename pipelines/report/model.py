"""What the report is assembled from, and the document handed to the templates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from pipelines.editions import Edition
from pipelines.report.document import Section


@dataclass
class Catalog:
    forums: pd.DataFrame
    forum_subthemes: pd.DataFrame
    clusters: pd.DataFrame
    subclusters: pd.DataFrame
    recommendations: pd.DataFrame
    memberships: pd.DataFrame

    def for_edition(self, edition: Edition) -> "Catalog":
        """The catalog restricted to the forums an edition reviews."""
        recs, members = edition.reviewed(self.recommendations, self.memberships)
        return Catalog(self.forums, self.forum_subthemes, self.clusters, self.subclusters, recs, members)


@dataclass
class ReportData:
    """What the stages computed for one edition, as the report's parts use it."""

    respondents: pd.DataFrame
    initiatives: pd.DataFrame  # one row per initiative and commitment group it is filed under
    cluster_indicators: pd.DataFrame
    subcluster_indicators: pd.DataFrame
    coverage: dict
    changes: dict
    source_tables: dict
    comparison: pd.DataFrame
    provenance: dict
    indicators: list  # the indicator definitions in the framework's words


@dataclass
class Document:
    """The whole paper, ready for a template."""

    edition_id: str
    title: str
    subtitle: str
    short_title: str
    publisher: str
    language: str
    build_date: dt.datetime
    front_matter: list[Section]
    sections: list[Section]
    float_lists: list[tuple[str, list]] = field(default_factory=list)

    @property
    def build_date_iso(self) -> str:
        return self.build_date.strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def build_date_text(self) -> str:
        return f"{self.build_date.day} {self.build_date:%B %Y}"
