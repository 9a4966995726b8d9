"""Intake of an edition's survey folder: read every file, validate every record."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.editions import Edition
from pipelines.sourcefiles import relative_name
from pipelines.survey.readers import link_refused, read_file, survey_files, survey_links
from pipelines.survey.validate import Catalogue, IntakeResult, validate


def catalogue_for(edition: Edition, clusters: pd.DataFrame, subclusters: pd.DataFrame, recommendations: pd.DataFrame) -> Catalogue:
    reviewed = edition.reviewed(recommendations)
    return Catalogue(
        clusters=dict(zip(clusters["cluster"], clusters["title"])),
        subclusters=dict(zip(subclusters["subcluster_id"], subclusters["cluster"])),
        subcluster_titles={t.lower(): s for s, t in zip(subclusters["subcluster_id"], subclusters["title"])},
        recommendations=set(reviewed["recommendation_id"]),
        edition=edition,
    )


def run_intake(folder: Path, root: Path, catalogue: Catalogue, now=None) -> IntakeResult:
    """Read and validate every survey file in ``folder`` (lock files and partial downloads skipped;
    links reported, never followed)."""
    if folder.is_symlink():
        return validate([link_refused(relative_name(folder, root))], catalogue, now=now)
    files = [read_file(path, relative_name(path, root)) for path in survey_files(folder)]
    files += [link_refused(relative_name(path, root)) for path in survey_links(folder)]
    return validate(sorted(files, key=lambda f: f.file), catalogue, now=now)
