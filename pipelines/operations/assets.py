"""The publishing step: the last asset of a build."""


import dagster as dg

from pipelines.operations.publishing import IncompleteBuild, publish
from pipelines.operations.summary import summarize_run
from pipelines.shared.locking import edition_lock
from pipelines.partitions import edition_partitions
from pipelines.settings import WHILE_THE_PDF_RENDERS, ProjectPaths, build_folder_writer

REQUIRED_ARTEFACTS = ["report.html", "report.pdf", "manifest.json", "data", "validation"]


class PublishConfig(dg.Config):
    keep_builds: int = 5
    """How many complete builds to keep under outputs/{edition}/builds/."""
    strict: bool = False
    """Refuse to publish when survey rows were quarantined or a WARN check failed (the last good report stays)."""


@build_folder_writer(group_name="publishing", partitions_def=edition_partitions, deps=["source_table_exports", "indicator_exports", "survey_exports"], kinds={"json"}, op_tags=WHILE_THE_PDF_RENDERS)
def data_package(context: dg.AssetExecutionContext, paths: ProjectPaths) -> dg.MaterializeResult:
    """data/datapackage.json: a Frictionless Data Package describing every published data file (fields,
    types, titles, units), so reviewers' tools can read and validate the exports."""
    from pipelines.operations.datapackage import write_datapackage

    data = paths.build_dir(context) / "data"
    target = write_datapackage(data, paths.edition(context).title, paths.framework(context).vocabulary.as_dict())
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(target.relative_to(paths.outputs.parent)))})


@build_folder_writer(group_name="publishing", partitions_def=edition_partitions, deps=["report_html", "report_pdf", "source_table_exports", "validation_reports", "indicator_exports", "survey_exports", "build_provenance", "data_package"], kinds={"folder"})
def published_report(context: dg.AssetExecutionContext, config: PublishConfig, paths: ProjectPaths) -> dg.MaterializeResult:
    """Switches outputs/{edition}/latest (and report.pdf, report.html, data/ through it) to this run's
    build in one atomic step, under the edition's build lock. A failed or killed build never gets here,
    so the last good report stays; with strict on, neither does a build with quarantined rows or failed
    warning checks. Records the build summary on the run (tags such as the number of quarantined rows)."""
    edition = context.partition_key
    edition_dir = paths.edition_outputs(edition)
    build_dir = paths.build_dir(context)
    summary = summarize_run(context.instance, context.run.run_id, edition)
    context.instance.add_run_tags(context.run.run_id, summary.tags())
    if config.strict and summary.has_warnings:
        raise dg.Failure(
            description=f"strict build of {edition} not published: {'; '.join(summary.strict_reasons())}.",
            metadata={"summary": dg.MetadataValue.md(summary.markdown())},
            allow_retries=False,
        )
    try:
        with edition_lock(edition_dir, announce=context.log.warning):
            publish(edition_dir, build_dir, REQUIRED_ARTEFACTS, keep=config.keep_builds, info={"run_id": context.run.run_id, "edition": edition})
    except IncompleteBuild as incomplete:  # a run started from the UI for a few assets: say what to run instead
        raise dg.Failure(
            description=f"build {build_dir.name} of {edition} not published: {', '.join(incomplete.missing)} missing, because this run did not make them. "
            f"Build the whole edition (Materialize all in the UI, or make report EDITION={edition}); the last good report stays published.",
            allow_retries=False,
        ) from None
    return dg.MaterializeResult(
        metadata={
            "build": build_dir.name,
            "published": dg.MetadataValue.path(str((edition_dir / "latest").relative_to(paths.outputs.parent))),
            "summary": dg.MetadataValue.md(summary.markdown()),
            **{key.removeprefix("afml/"): int(value) for key, value in summary.tags().items()},
        }
    )


OPERATIONS_ASSETS = [data_package, published_report]
