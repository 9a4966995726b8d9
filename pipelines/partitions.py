"""The edition partitions: one partition per review edition declared in ``sources/editions.yaml``.

Dynamic, so that nothing is read from disk when the definitions load: the CLI and the
``editions_sync`` sensor register the declared editions in the instance.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager

import dagster as dg

from pipelines.settings import ProjectPaths

edition_partitions = dg.DynamicPartitionsDefinition(name="edition")

# Asset checks are partitioned by edition like the assets they check (otherwise a check receives
# every edition's partition at once); Dagster marks partitioned checks as a preview feature.
warnings.filterwarnings("ignore", message="Specifying a partitions_def on an AssetCheckSpec", category=dg.PreviewWarning)


def sync_edition_partitions(instance: dg.DagsterInstance, paths: ProjectPaths) -> list[str]:
    """Register every edition of ``editions.yaml`` as a partition; returns the ids added."""
    declared = list(paths.editions())
    known = set(instance.get_dynamic_partitions(edition_partitions.name))
    new = [e for e in declared if e not in known]
    if new:
        instance.add_dynamic_partitions(edition_partitions.name, new)
    return new


@contextmanager
def edition_lookups_remembered(instance: dg.DagsterInstance):
    """While one build runs, answer Dagster's "is this edition a registered partition?" from memory
    once the instance has said yes.

    Dagster asks it for every input and output of every step (about 440 times in a build of the 2020 paper),
    each time through a new connection to the instance's storage: about 1.5 s of a forced build on
    SQLite. Editions are only ever added (nothing in the project deletes one), so a yes stays true for
    the build; a no is asked again every time."""
    ask = instance.has_dynamic_partition
    known: set[tuple[str, str]] = set()

    def has_dynamic_partition(partitions_def_name: str, partition_key: str) -> bool:
        if (partitions_def_name, partition_key) in known:
            return True
        found = ask(partitions_def_name, partition_key)
        if found:
            known.add((partitions_def_name, partition_key))
        return found

    instance.has_dynamic_partition = has_dynamic_partition
    try:
        yield instance
    finally:
        del instance.has_dynamic_partition  # the instance's own method again
