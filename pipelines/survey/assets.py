"""Survey assets: intake of the edition's survey folder, the accepted respondents and initiatives,
and the validation reports that go back to respondents."""

import dagster as dg
import pandas as pd

from pipelines.editions import load_editions
from pipelines.metadata import frame_metadata, markdown_list, markdown_table
from pipelines.partitions import edition_partitions
from pipelines.settings import ProjectPaths
from pipelines.survey.intake import catalogue_for, run_intake
from pipelines.survey.validate import IntakeResult

GROUP = "survey"


@dg.asset(group_name=GROUP, partitions_def=edition_partitions, kinds={"pandas", "xlsx", "csv"})
def survey_intake(
    context: dg.AssetExecutionContext,
    paths: ProjectPaths,
    clusters: pd.DataFrame,
    subclusters: pd.DataFrame,
    recommendations: pd.DataFrame,
) -> dg.Output[IntakeResult]:
    """Every file of sources/editions/{edition}/survey/ read (questionnaire workbooks, online-form exports,
    literature-review compilations) and every record validated; rejected rows kept with their reasons."""
    edition = load_editions(paths.sources)[context.partition_key]
    result = run_intake(paths.edition_sources(edition.id) / "survey", paths.sources.parent, catalogue_for(edition, clusters, subclusters, recommendations))
    for line in result.log:
        context.log.info(line)
    for line in result.structural:
        context.log.error(line)
    rejected = int((result.quarantine["disposition"] == "rejected").sum())
    return dg.Output(
        result,
        metadata={
            "files": dg.MetadataValue.md(markdown_table(result.files.drop(columns=["sha256"]), 50)),
            "files_read": len(result.files),
            "records_read": result.rows_read,
            "respondents_accepted": len(result.respondents),
            "initiatives_accepted": len(result.initiatives),
            "rows_rejected": rejected,
            "rows_superseded": int((result.quarantine["disposition"] == "superseded").sum()),
            "problems": dg.MetadataValue.md(markdown_table(result.problems, 50) if not result.problems.empty else "none"),
            "resubmissions": dg.MetadataValue.md(markdown_list(result.log)),
            "unknown_columns": sum(len(n.split(":", 1)[1].split(",")) for notes in result.files["notes"] for n in notes.split("; ") if n.startswith("columns ignored:")),
        },
    )


@dg.asset_check(asset=survey_intake, blocking=True)
def survey_is_usable(survey_intake: IntakeResult) -> dg.AssetCheckResult:
    """Stops the build only for structural failures: an unreadable file, an unknown layout, no respondent
    at all. A few bad rows are reported in the validation reports, not fatal."""
    return dg.AssetCheckResult(
        passed=not survey_intake.structural,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"structural_failures": dg.MetadataValue.md(markdown_list(survey_intake.structural))},
    )


@dg.asset_check(asset=survey_intake, blocking=False)
def survey_rows_all_accepted(survey_intake: IntakeResult) -> dg.AssetCheckResult:
    """Warns when rows were rejected (they are in the quarantine and the validation reports)."""
    rejected = survey_intake.quarantine[survey_intake.quarantine["disposition"] == "rejected"]
    return dg.AssetCheckResult(
        passed=rejected.empty,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"rejected_rows": len(rejected), "problems": dg.MetadataValue.md(markdown_table(survey_intake.problems, 50) if not rejected.empty else "none")},
    )


def _crosstab(frame: pd.DataFrame, rows: str, columns: str) -> pd.DataFrame:
    return pd.crosstab(frame[rows], frame[columns], margins=True, margins_name="total").reset_index()


@dg.asset(group_name=GROUP, partitions_def=edition_partitions, kinds={"pandas"})
def respondents(survey_intake: IntakeResult) -> dg.Output[pd.DataFrame]:
    """The organizations that answered the questionnaire (one row each; the latest submission wins)."""
    frame = survey_intake.respondents
    by = _crosstab(frame, "country", "constituency") if not frame.empty else frame
    return dg.Output(frame, metadata=frame_metadata(frame, 40) | {"by_country_and_constituency": dg.MetadataValue.md(markdown_table(by, 20))})


@dg.asset(group_name=GROUP, partitions_def=edition_partitions, kinds={"pandas"})
def initiatives(survey_intake: IntakeResult) -> dg.Output[pd.DataFrame]:
    """The accepted initiatives: what stakeholders did, where, for which cluster and recommendations."""
    frame = survey_intake.initiatives
    metadata = frame_metadata(frame, 20)
    if not frame.empty:
        metadata["by_country_and_cluster"] = dg.MetadataValue.md(markdown_table(_crosstab(frame, "country", "cluster"), 20))
        metadata["by_source"] = dg.MetadataValue.json({k: int(v) for k, v in frame["source"].value_counts().sort_index().items()})
        constituency = frame["respondent_id"].map(dict(zip(survey_intake.respondents["respondent_id"], survey_intake.respondents["constituency"]))).fillna("no respondent")
        metadata["by_constituency"] = dg.MetadataValue.json({k: int(v) for k, v in constituency.value_counts().sort_index().items()})
    return dg.Output(frame, metadata=metadata)


@dg.asset(group_name=GROUP, partitions_def=edition_partitions, kinds={"html", "csv"})
def validation_reports(context: dg.AssetExecutionContext, paths: ProjectPaths, survey_intake: IntakeResult) -> dg.MaterializeResult:
    """Per-respondent validation reports (HTML and CSV), the quarantine and the intake log, under
    validation/ of the build."""
    from pipelines.operations.publishing import build_dir_for_run
    from pipelines.survey.feedback import write_validation_reports

    build_dir = build_dir_for_run(paths.edition_outputs(context.partition_key), context.run.run_id)
    written = write_validation_reports(survey_intake, build_dir / "validation", paths.templates, context.partition_key)
    return dg.MaterializeResult(metadata={"reports": len(written) // 2})


@dg.asset(group_name=GROUP, partitions_def=edition_partitions, kinds={"csv"})
def survey_exports(context: dg.AssetExecutionContext, paths: ProjectPaths, respondents: pd.DataFrame, initiatives: pd.DataFrame) -> dg.MaterializeResult:
    """The accepted respondents and initiatives as CSV under data/ of the build, for reviewers'
    spreadsheets (cells that a spreadsheet would run as formulas are escaped)."""
    from pipelines.operations.publishing import build_dir_for_run
    from pipelines.tables.export import write_csv

    data = build_dir_for_run(paths.edition_outputs(context.partition_key), context.run.run_id) / "data"
    write_csv(respondents, data / "respondents.csv")
    write_csv(initiatives, data / "initiatives.csv")
    return dg.MaterializeResult(metadata={"respondents": len(respondents), "initiatives": len(initiatives)})


SURVEY_ASSETS = [survey_intake, respondents, initiatives, validation_reports, survey_exports]
SURVEY_CHECKS = [survey_is_usable, survey_rows_all_accepted]
