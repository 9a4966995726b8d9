"""The edition partitions: one partition per review edition declared in ``sources/editions.yaml``.

Dynamic, so that nothing is read from disk when the definitions load: the CLI and the
``editions_sync`` sensor register the declared editions in the instance.
"""

from __future__ import annotations

import dagster as dg

from pipelines.settings import ProjectPaths

edition_partitions = dg.DynamicPartitionsDefinition(name="edition")


def sync_edition_partitions(instance: dg.DagsterInstance, paths: ProjectPaths) -> list[str]:
    """Register every edition of ``editions.yaml`` as a partition; returns the ids added."""
    declared = list(paths.editions())
    known = set(instance.get_dynamic_partitions(edition_partitions.name))
    new = [e for e in declared if e not in known]
    if new:
        instance.add_dynamic_partitions(edition_partitions.name, new)
    return new
