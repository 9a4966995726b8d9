"""Integrity checks on the catalog. They block: no report is rendered from a broken catalog."""


import dagster as dg
import pandas as pd

from pipelines.catalog.assets import cluster_memberships, recommendations
from pipelines.metadata import markdown_table
from pipelines.partitions import edition_partitions

ERROR = dg.AssetCheckSeverity.ERROR


def _result(failures: pd.DataFrame, description: str) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=failures.empty,
        severity=ERROR,
        description=description,
        metadata={"failures": len(failures), "failing_rows": dg.MetadataValue.md(markdown_table(failures, 50)) if not failures.empty else "none"},
    )


@dg.asset_check(partitions_def=edition_partitions, 
    asset=cluster_memberships,
    blocking=True,
    additional_ins={
        "recommendations": dg.AssetIn("recommendations"),
        "clusters": dg.AssetIn("clusters"),
        "subclusters": dg.AssetIn("subclusters"),
    },
)
def memberships_point_to_known_entries(
    cluster_memberships: pd.DataFrame,
    recommendations: pd.DataFrame,
    clusters: pd.DataFrame,
    subclusters: pd.DataFrame,
) -> dg.AssetCheckResult:
    """Every membership names a known commitment, group, and a sub-group of that group."""
    known_sub = set(zip(subclusters["subcluster_id"], subclusters["cluster"]))
    bad = cluster_memberships[
        ~cluster_memberships["recommendation_id"].isin(recommendations["recommendation_id"])
        | ~cluster_memberships["cluster"].isin(clusters["cluster"])
        | ~pd.Series(
            [(s, c) in known_sub for s, c in zip(cluster_memberships["subcluster_id"], cluster_memberships["cluster"])],
            index=cluster_memberships.index,
        )
    ]
    return _result(bad, "memberships referring to an unknown commitment, group or sub-group")


@dg.asset_check(partitions_def=edition_partitions, asset=cluster_memberships, blocking=True, additional_ins={"recommendations": dg.AssetIn("recommendations")})
def every_recommendation_is_clustered(cluster_memberships: pd.DataFrame, recommendations: pd.DataFrame) -> dg.AssetCheckResult:
    """Every commitment belongs to at least one group."""
    orphans = recommendations[~recommendations["recommendation_id"].isin(cluster_memberships["recommendation_id"])]
    return _result(orphans[["recommendation_id", "forum_id", "number"]], "commitments that belong to no group")


@dg.asset_check(partitions_def=edition_partitions, asset=recommendations, blocking=True, additional_ins={"forums": dg.AssetIn("forums")})
def recommendations_come_from_known_forums(recommendations: pd.DataFrame, forums: pd.DataFrame) -> dg.AssetCheckResult:
    """Every commitment's instrument exists, and no instrument numbers two commitments alike (the id
    format a framework declares is checked when its commitments are read)."""
    twice = recommendations.duplicated(["forum_id", "number"], keep=False)
    bad = recommendations[~recommendations["forum_id"].isin(forums["forum_id"]) | twice]
    return _result(bad[["recommendation_id", "forum_id", "number"]], "commitments with an unknown instrument or a number used twice in one instrument")


CATALOG_CHECKS = [memberships_point_to_known_entries, every_recommendation_is_clustered, recommendations_come_from_known_forums]
