"""Catalog assets: the recommendations under review and how they are grouped into clusters."""


import dagster as dg
import pandas as pd

from pipelines.catalog import schemas
from pipelines.settings import ProjectPaths
from pipelines.sourcefiles import load_validated_csv
from pipelines.metadata import frame_metadata

GROUP = "catalog"


def _load(paths: ProjectPaths, file_name: str, model: type) -> pd.DataFrame:
    return load_validated_csv(paths.catalog / file_name, model, paths.sources.parent)


@dg.asset(group_name=GROUP, kinds={"pandas", "csv"})
def forums(paths: ProjectPaths) -> dg.Output[pd.DataFrame]:
    """Every ASEAN Forum on Migrant Labour: number, date, venue and theme (sources/catalog/forums.csv)."""
    frame = _load(paths, "forums.csv", schemas.Forums)
    return dg.Output(frame, metadata=frame_metadata(frame))


@dg.asset(group_name=GROUP, kinds={"pandas", "csv"})
def forum_subthemes(paths: ProjectPaths) -> dg.Output[pd.DataFrame]:
    """The sub-themes under which each forum discussed its theme (sources/catalog/forum_subthemes.csv)."""
    frame = _load(paths, "forum_subthemes.csv", schemas.ForumSubthemes)
    return dg.Output(frame, metadata=frame_metadata(frame))


@dg.asset(group_name=GROUP, kinds={"pandas", "csv"})
def clusters(paths: ProjectPaths) -> dg.Output[pd.DataFrame]:
    """The ten policy clusters (A–J) the recommendations are grouped in for monitoring."""
    frame = _load(paths, "clusters.csv", schemas.Clusters)
    return dg.Output(frame, metadata=frame_metadata(frame))


@dg.asset(group_name=GROUP, kinds={"pandas", "csv"})
def subclusters(paths: ProjectPaths) -> dg.Output[pd.DataFrame]:
    """The sub-clusters inside each cluster, in the order the paper presents them."""
    frame = _load(paths, "subclusters.csv", schemas.Subclusters)
    return dg.Output(frame, metadata=frame_metadata(frame))


@dg.asset(group_name=GROUP, kinds={"pandas", "csv"}, deps=["forums"])
def recommendations(paths: ProjectPaths) -> dg.Output[pd.DataFrame]:
    """Every recommendation adopted by the forums, verbatim, with a stable id such as afml05-08."""
    frame = _load(paths, "recommendations.csv", schemas.Recommendations)
    per_forum = frame.groupby("forum_id").size()
    return dg.Output(
        frame,
        metadata=frame_metadata(frame) | {"per_forum": dg.MetadataValue.json({k: int(v) for k, v in per_forum.items()})},
    )


@dg.asset(group_name=GROUP, kinds={"pandas", "csv"}, deps=["recommendations", "clusters", "subclusters"])
def cluster_memberships(paths: ProjectPaths) -> dg.Output[pd.DataFrame]:
    """Which recommendation sits in which cluster and sub-cluster; a recommendation may sit in two clusters."""
    frame = _load(paths, "memberships.csv", schemas.Memberships).sort_values("position", ignore_index=True)
    in_two = int((frame.groupby("recommendation_id").size() > 1).sum())
    return dg.Output(frame, metadata=frame_metadata(frame) | {"recommendations_in_two_clusters": in_two})


CATALOG_ASSETS = [forums, forum_subthemes, clusters, subclusters, recommendations, cluster_memberships]
