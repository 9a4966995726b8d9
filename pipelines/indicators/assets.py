"""Indicator assets: per-cluster and per-sub-cluster indicators, coverage, change since the previous edition."""

import json

import dagster as dg
import pandas as pd

from pipelines.indicators.compute import cluster_by_country, indicator_table, respondents_by_country, with_constituency
from pipelines.metadata import frame_metadata, markdown_table
from pipelines.partitions import edition_partitions
from pipelines.settings import WHILE_THE_PDF_RENDERS, ProjectPaths, build_folder_writer

GROUP = "indicators"


def indicators_of(edition, level: str, forums: pd.DataFrame, recommendations: pd.DataFrame, cluster_memberships: pd.DataFrame, respondents: pd.DataFrame, initiatives: pd.DataFrame) -> pd.DataFrame:
    """The progress indicators of an edition per ``level`` (``"cluster"`` or ``"subcluster"``), over the
    commitments the edition reviews."""
    reviewed, members = edition.reviewed(recommendations, cluster_memberships)
    return indicator_table(members, reviewed, forums, with_constituency(initiatives, respondents), level)


def coverage_of(clusters: pd.DataFrame, respondents: pd.DataFrame, initiatives: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The coverage matrices: initiatives per cluster × Member State, respondents per Member State × constituency."""
    return {"cluster_by_country": cluster_by_country(initiatives, clusters), "respondents_by_country": respondents_by_country(respondents)}


@dg.asset(group_name=GROUP, partitions_def=edition_partitions, kinds={"pandas"})
def cluster_indicators(
    context: dg.AssetExecutionContext, paths: ProjectPaths, forums: pd.DataFrame, recommendations: pd.DataFrame, cluster_memberships: pd.DataFrame, respondents: pd.DataFrame, initiatives: pd.DataFrame
) -> dg.Output[pd.DataFrame]:
    """Progress indicators per cluster (A–J): recommendations covered by initiatives, initiatives,
    Member States reporting, constituency mix, gender-responsiveness, status mix, forum range."""
    table = indicators_of(paths.edition(context), "cluster", forums, recommendations, cluster_memberships, respondents, initiatives)
    return dg.Output(table, metadata=frame_metadata(table[["cluster", "recommendations", "recommendations_with_initiatives", "share_covered", "initiatives", "countries_reporting"]], 10))


@dg.asset(group_name=GROUP, partitions_def=edition_partitions, kinds={"pandas"})
def subcluster_indicators(
    context: dg.AssetExecutionContext, paths: ProjectPaths, forums: pd.DataFrame, recommendations: pd.DataFrame, cluster_memberships: pd.DataFrame, respondents: pd.DataFrame, initiatives: pd.DataFrame
) -> dg.Output[pd.DataFrame]:
    """The same indicators per sub-cluster."""
    table = indicators_of(paths.edition(context), "subcluster", forums, recommendations, cluster_memberships, respondents, initiatives)
    return dg.Output(table, metadata=frame_metadata(table[["subcluster", "cluster", "recommendations", "recommendations_with_initiatives", "initiatives", "countries_reporting"]], 40))


@dg.asset(group_name=GROUP, partitions_def=edition_partitions, kinds={"pandas"})
def coverage(clusters: pd.DataFrame, respondents: pd.DataFrame, initiatives: pd.DataFrame) -> dg.Output[dict]:
    """Initiatives per cluster × Member State, and respondents per Member State × constituency
    (who answered and who did not)."""
    matrices = coverage_of(clusters, respondents, initiatives)
    return dg.Output(
        matrices,
        metadata={
            "cluster_by_country": dg.MetadataValue.md(markdown_table(matrices["cluster_by_country"].reset_index(), 12)),
            "respondents_by_country": dg.MetadataValue.md(markdown_table(matrices["respondents_by_country"].reset_index(), 12)),
        },
    )


@dg.asset(group_name=GROUP, partitions_def=edition_partitions, kinds={"pandas"})
def indicator_changes(
    context: dg.AssetExecutionContext,
    paths: ProjectPaths,
    forums: pd.DataFrame,
    clusters: pd.DataFrame,
    subclusters: pd.DataFrame,
    recommendations: pd.DataFrame,
    cluster_memberships: pd.DataFrame,
    cluster_indicators: pd.DataFrame,
    initiatives: pd.DataFrame,
) -> dg.Output[dict]:
    """Movement of each cluster indicator since the previous edition, and the recommendations that gained
    their first reported initiative. Empty when the edition has no previous edition."""
    from pipelines.indicators.change import changes_since_previous

    changes = changes_since_previous(paths, context.partition_key, forums, clusters, subclusters, recommendations, cluster_memberships, cluster_indicators, initiatives)
    if changes["previous"] is None:
        return dg.Output(changes, metadata={"previous_edition": "none"})
    return dg.Output(changes, metadata={"previous_edition": changes["previous"], "newly_covered": len(changes["newly_covered"]), "changes": dg.MetadataValue.md(markdown_table(changes["clusters"][["cluster", "initiatives", "initiatives_previous", "initiatives_change"]], 10))})


@build_folder_writer(group_name=GROUP, partitions_def=edition_partitions, kinds={"csv", "json"}, op_tags=WHILE_THE_PDF_RENDERS)
def indicator_exports(context: dg.AssetExecutionContext, paths: ProjectPaths, cluster_indicators: pd.DataFrame, subcluster_indicators: pd.DataFrame, coverage: dict, recommendations: pd.DataFrame, cluster_memberships: pd.DataFrame, initiatives: pd.DataFrame) -> dg.MaterializeResult:
    """data/cluster_indicators.csv, data/subcluster_indicators.csv (wide), data/indicators_long.csv (one row
    per group and indicator, with its unit), data/indicators.json and the coverage
    matrices, with the indicator definitions, in the build folder."""
    from pipelines.indicators.definitions import labelled
    from pipelines.indicators.long_form import indicators_long
    from pipelines.indicators.compute import recommendation_coverage
    from pipelines.tables.export import write_csv, write_json

    data = paths.build_dir(context) / "data"
    write_csv(cluster_indicators, data / "cluster_indicators.csv")
    write_csv(subcluster_indicators, data / "subcluster_indicators.csv")
    write_csv(indicators_long(cluster_indicators, subcluster_indicators, labelled(paths.framework(context).vocabulary)), data / "indicators_long.csv")
    write_csv(coverage["cluster_by_country"].reset_index(), data / "initiatives_by_cluster_and_country.csv")
    write_csv(coverage["respondents_by_country"].reset_index(), data / "respondents_by_country_and_constituency.csv")
    _, members = paths.edition(context).reviewed(recommendations, cluster_memberships)
    write_csv(recommendation_coverage(members, initiatives), data / "recommendation_coverage.csv")
    definitions = [{"name": i.name, "label": i.label, "description": i.description, "kind": i.kind} for i in labelled(paths.framework(context).vocabulary)]
    records = lambda frame: json.loads(frame.to_json(orient="records"))  # noqa: E731
    write_json({"edition": context.partition_key, "definitions": definitions, "clusters": records(cluster_indicators), "subclusters": records(subcluster_indicators)}, data / "indicators.json")
    return dg.MaterializeResult(metadata={"folder": dg.MetadataValue.path(str(data.relative_to(paths.outputs.parent)))})


INDICATOR_ASSETS = [cluster_indicators, subcluster_indicators, coverage, indicator_changes, indicator_exports]
