"""Change since the previous edition: the same indicators computed on the previous edition's data."""

from __future__ import annotations

import pandas as pd

from pipelines.indicators.compute import indicator_changes, indicator_table, newly_covered, with_constituency
from pipelines.settings import ProjectPaths
from pipelines.survey.intake import catalogue_for, run_intake


def changes_since_previous(
    paths: ProjectPaths,
    edition_id: str,
    forums: pd.DataFrame,
    clusters: pd.DataFrame,
    subclusters: pd.DataFrame,
    recommendations: pd.DataFrame,
    memberships: pd.DataFrame,
    cluster_indicators: pd.DataFrame,
    initiatives: pd.DataFrame,
) -> dict:
    """``{"previous": None}`` without a previous edition; else its id, the per-cluster movements and
    the recommendations that gained their first reported initiative."""
    editions = paths.editions()
    previous_id = editions[edition_id].previous_edition
    if not previous_id:
        return {"previous": None}
    if previous_id not in editions:
        raise ValueError(f"editions.yaml: {edition_id} names previous_edition {previous_id!r}, which is not declared")
    previous = editions[previous_id]
    intake = run_intake(paths.survey_dir(previous_id), paths.sources.parent, catalogue_for(previous, clusters, subclusters, recommendations))
    reviewed, members = previous.reviewed(recommendations, memberships)
    before = indicator_table(members, reviewed, forums, with_constituency(intake.initiatives, intake.respondents), "cluster")
    return {
        "previous": previous_id,
        "clusters": indicator_changes(cluster_indicators, before, "cluster"),
        "newly_covered": newly_covered(initiatives, intake.initiatives),
    }
