"""The publishing step: the last asset of a build."""


import dagster as dg

from pipelines.operations.publishing import publish
from pipelines.partitions import edition_partitions
from pipelines.settings import ProjectPaths

REQUIRED_ARTEFACTS = ["report.html", "report.pdf", "manifest.json", "data", "validation"]


class PublishConfig(dg.Config):
    keep_builds: int = 5
    """How many complete builds to keep under outputs/<edition>/builds/."""


@dg.asset(group_name="publishing", partitions_def=edition_partitions, deps=["source_table_exports", "indicator_exports", "survey_exports"], kinds={"json"})
def data_package(context: dg.AssetExecutionContext, paths: ProjectPaths) -> dg.MaterializeResult:
    """data/datapackage.json: a Frictionless Data Package describing every published data file (fields,
    types, titles, units), so reviewers' tools can read and validate the exports."""
    from pipelines.operations.datapackage import write_datapackage

    data = paths.build_dir(context) / "data"
    target = write_datapackage(data, paths.edition(context).title)
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(target.relative_to(paths.outputs.parent)))})


@dg.asset(group_name="publishing", partitions_def=edition_partitions, deps=["report_html", "report_pdf", "source_table_exports", "validation_reports", "indicator_exports", "survey_exports", "build_provenance", "data_package"], kinds={"folder"})
def published_report(context: dg.AssetExecutionContext, config: PublishConfig, paths: ProjectPaths) -> dg.MaterializeResult:
    """Switches ``outputs/<edition>/latest`` (and report.pdf, report.html, data/ through it) to this run's
    build in one atomic step. A failed or killed build never gets here, so the last good report stays."""
    edition_dir = paths.edition_outputs(context.partition_key)
    build_dir = paths.build_dir(context)
    publish(edition_dir, build_dir, REQUIRED_ARTEFACTS, keep=config.keep_builds, info={"run_id": context.run.run_id, "edition": context.partition_key})
    return dg.MaterializeResult(metadata={"build": build_dir.name, "published": dg.MetadataValue.path(str((edition_dir / "latest").relative_to(paths.outputs.parent)))})


OPERATIONS_ASSETS = [data_package, published_report]
