"""Reading a framework's catalog tables, each validated against its schema."""

from __future__ import annotations

import pandas as pd

from pipelines.frameworks import Framework, catalog_tables
from pipelines.settings import ProjectPaths
from pipelines.sourcefiles import SourceError, problems_from_pandera, relative_name

# Catalog asset -> the framework's table and its model in pipelines/catalog/schemas.py (imported when a
# table is read: pandera takes about 0.05 s to load, which a build that reads no catalog table spares).
MODELS = {
    "forums": ("instruments", "Forums"),
    "forum_subthemes": ("instrument_subthemes", "ForumSubthemes"),
    "clusters": ("groups", "Clusters"),
    "subclusters": ("subgroups", "Subclusters"),
    "recommendations": ("commitments", "Recommendations"),
    "cluster_memberships": ("memberships", "Memberships"),
}


def _file_of(framework: Framework, table: str, root) -> str:
    source = framework.tables.get(table)
    return relative_name(source.file if source else framework.folder / "framework.yaml", root)


def load_catalog_table(paths: ProjectPaths, framework: Framework, asset: str, tables: dict | None = None) -> pd.DataFrame:
    """One catalog table of a framework (by catalog asset name), validated against its schema; every
    bad cell is reported with the framework file it comes from."""
    import pandera.errors

    from pipelines.catalog import schemas

    table, model_name = MODELS[asset]
    model = getattr(schemas, model_name)
    frame = (tables or catalog_tables(framework, paths.root))[table]
    try:
        validated = model.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as error:
        raise SourceError(problems_from_pandera(error, _file_of(framework, table, paths.root), frame)) from None
    if asset == "cluster_memberships":
        validated = validated.sort_values("position", ignore_index=True)
    return validated


def load_catalog(paths: ProjectPaths, framework: Framework) -> dict[str, pd.DataFrame]:
    """All catalog tables of a framework, keyed like the catalog assets."""
    tables = catalog_tables(framework, paths.root)
    return {asset: load_catalog_table(paths, framework, asset, tables) for asset in MODELS}


def catalog_of_edition(paths: ProjectPaths, edition_id: str) -> dict[str, pd.DataFrame]:
    """The catalog tables of an edition's framework."""
    return load_catalog(paths, paths.framework(edition_id))

