"""Catalog assets: the commitments an edition's framework tracks and how they are grouped.

Each edition names its framework in editions.yaml; these assets read that framework's tables
(sources/frameworks/<id>/), one partition per edition. Asset and column names are the catalog
model's (forums = instruments, clusters = groups, recommendations = commitments); what a framework
calls them is its vocabulary.
"""

import dagster as dg
import pandas as pd

from pipelines.catalog.load import load_catalog_table
from pipelines.frameworks import Framework
from pipelines.metadata import frame_metadata
from pipelines.partitions import edition_partitions
from pipelines.settings import ProjectPaths

GROUP = "catalog"


def _framework(context: dg.AssetExecutionContext, paths: ProjectPaths) -> Framework:
    return paths.framework(context)


def _output(frame: pd.DataFrame, framework: Framework, **extra) -> dg.Output[pd.DataFrame]:
    return dg.Output(frame, metadata=frame_metadata(frame) | {"framework": framework.id} | extra)


@dg.asset(group_name=GROUP, partitions_def=edition_partitions, kinds={"pandas", "csv"})
def forums(context: dg.AssetExecutionContext, paths: ProjectPaths) -> dg.Output[pd.DataFrame]:
    """The instruments that adopted the framework's commitments (for AFML, every Forum: number, date,
    venue and theme)."""
    framework = _framework(context, paths)
    return _output(load_catalog_table(paths, framework, "forums"), framework)


@dg.asset(group_name=GROUP, partitions_def=edition_partitions, kinds={"pandas", "csv"})
def forum_subthemes(context: dg.AssetExecutionContext, paths: ProjectPaths) -> dg.Output[pd.DataFrame]:
    """Notes on each instrument (for AFML, the sub-themes under which each Forum discussed its theme)."""
    framework = _framework(context, paths)
    return _output(load_catalog_table(paths, framework, "forum_subthemes"), framework)


@dg.asset(group_name=GROUP, partitions_def=edition_partitions, kinds={"pandas", "csv"})
def clusters(context: dg.AssetExecutionContext, paths: ProjectPaths) -> dg.Output[pd.DataFrame]:
    """The groups the commitments are monitored in (for AFML, the ten policy clusters A–J)."""
    framework = _framework(context, paths)
    return _output(load_catalog_table(paths, framework, "clusters"), framework)


@dg.asset(group_name=GROUP, partitions_def=edition_partitions, kinds={"pandas", "csv"})
def subclusters(context: dg.AssetExecutionContext, paths: ProjectPaths) -> dg.Output[pd.DataFrame]:
    """The sub-groups inside each group, in the order the paper presents them (a framework without
    sub-groups has one per commitment)."""
    framework = _framework(context, paths)
    return _output(load_catalog_table(paths, framework, "subclusters"), framework)


@dg.asset(group_name=GROUP, partitions_def=edition_partitions, kinds={"pandas", "csv"}, deps=["forums"])
def recommendations(context: dg.AssetExecutionContext, paths: ProjectPaths) -> dg.Output[pd.DataFrame]:
    """Every commitment of the framework, verbatim, with a stable id (for AFML, recommendations such as ``afml05-08``)."""
    framework = _framework(context, paths)
    frame = load_catalog_table(paths, framework, "recommendations")
    per_forum = frame.groupby("forum_id").size()
    return _output(frame, framework, per_instrument=dg.MetadataValue.json({k: int(v) for k, v in per_forum.items()}))


@dg.asset(group_name=GROUP, partitions_def=edition_partitions, kinds={"pandas", "csv"}, deps=["recommendations", "clusters", "subclusters"])
def cluster_memberships(context: dg.AssetExecutionContext, paths: ProjectPaths) -> dg.Output[pd.DataFrame]:
    """Which commitment sits in which group and sub-group; a commitment may sit in two groups."""
    framework = _framework(context, paths)
    frame = load_catalog_table(paths, framework, "cluster_memberships")
    in_two = int((frame.groupby("recommendation_id").size() > 1).sum())
    return _output(frame, framework, commitments_in_two_groups=in_two)


CATALOG_ASSETS = [forums, forum_subthemes, clusters, subclusters, recommendations, cluster_memberships]
