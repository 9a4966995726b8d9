"""Survey assets: intake of the edition's survey folder, the accepted respondents and initiatives,
and the validation reports that go back to respondents."""

import dagster as dg
import pandas as pd

from pipelines.metadata import frame_metadata, markdown_list, markdown_table
from pipelines.partitions import edition_partitions
from pipelines.shared.content_cache import cache_folder
from pipelines.settings import WHILE_THE_PDF_RENDERS, ProjectPaths, build_folder_writer
from pipelines.survey.intake import catalogue_for, run_intake
from pipelines.survey.validate import IntakeResult

GROUP = "survey"


def intake_of_edition(paths: ProjectPaths, edition_id: str) -> IntakeResult:
    """The intake of an edition's survey folder (or of the edition it takes its evidence from), checked
    against the catalog of the evidence's framework."""
    from pipelines.catalog.load import catalog_of_edition

    edition = paths.edition(edition_id)
    evidence = paths.edition(edition.evidence_id)
    catalog = catalog_of_edition(paths, evidence.id)
    with cache_folder(paths.cache_dir):  # survey files whose bytes did not change are not parsed again
        return run_intake(paths.survey_dir(edition.id), paths.root, catalogue_for(evidence, catalog["clusters"], catalog["subclusters"], catalog["recommendations"]))


def initiatives_of_edition(paths: ProjectPaths, edition_id: str, intake: IntakeResult, log=None) -> pd.DataFrame:
    """The accepted initiatives of an edition: those of its intake, or, for an edition that reads another
    framework's survey, the ones its classification (or mapping) files under its own commitments.
    ``log`` receives a one-line summary of such a classification."""
    frame = intake.initiatives
    edition = paths.edition(edition_id)
    framework = paths.framework(edition_id)
    if edition.survey_of and paths.framework(edition.survey_of).id != framework.id:
        from pipelines.catalog.load import catalog_of_edition
        from pipelines.survey.classify import classify, classify_by_mapping

        evidence_framework = paths.framework(edition.survey_of).id
        memberships = catalog_of_edition(paths, edition.id)["cluster_memberships"]
        if edition.survey_of in framework.classifications:
            frame = classify(frame, framework.classifications[edition.survey_of], framework.mappings.get(evidence_framework), edition.survey_of, memberships, paths.root)
        elif evidence_framework in framework.mappings:
            frame = classify_by_mapping(frame, framework.mappings[evidence_framework], memberships, paths.root)
        else:
            raise ValueError(f"{edition.id} takes its evidence from {edition.survey_of}, but framework {framework.id} neither classifies its initiatives (classifications:) nor maps to {evidence_framework} (mappings:) in its framework.yaml")
        if log is not None:
            log(f"{frame['uid'].nunique()} initiative(s) of {edition.survey_of} classified to {frame['recommendation_ids'].nunique()} commitment(s) of {framework.id}")
    return frame


@dg.asset(group_name=GROUP, partitions_def=edition_partitions, kinds={"pandas", "xlsx", "csv"})
def survey_intake(context: dg.AssetExecutionContext, paths: ProjectPaths) -> dg.Output[IntakeResult]:
    """Every file of the edition's survey folder read (questionnaire workbooks, online-form exports,
    literature-review compilations) and every record validated; rejected rows kept with their reasons.
    An edition that takes its evidence from another edition's survey (evidence: survey_of in editions.yaml) reads
    that folder, checked against that edition's framework: one intake, several frameworks."""
    result = intake_of_edition(paths, context.partition_key)
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
            "unknown_columns": int(result.problems["reason"].astype(str).str.startswith("unknown column").sum()) if not result.problems.empty else 0,
        },
    )


@dg.asset_check(partitions_def=edition_partitions, asset=survey_intake, blocking=True)
def survey_is_usable(survey_intake: IntakeResult) -> dg.AssetCheckResult:
    """Stops the build only for structural failures: an unreadable file, an unknown layout, no respondent
    at all. A few bad rows are reported in the validation reports, not fatal."""
    return dg.AssetCheckResult(
        passed=not survey_intake.structural,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"structural_failures": dg.MetadataValue.md(markdown_list(survey_intake.structural))},
    )


@dg.asset_check(partitions_def=edition_partitions, asset=survey_intake, blocking=False, op_tags=WHILE_THE_PDF_RENDERS)
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
def initiatives(context: dg.AssetExecutionContext, paths: ProjectPaths, survey_intake: IntakeResult) -> dg.Output[pd.DataFrame]:
    """The accepted initiatives: what stakeholders did, where, for which group and commitments. An
    edition that reads another framework's survey gets the initiatives its classification names,
    filed under its own commitments (one row per initiative and commitment)."""
    frame = initiatives_of_edition(paths, context.partition_key, survey_intake, log=context.log.info)
    metadata = frame_metadata(frame, 20)
    if not frame.empty:
        metadata["by_country_and_cluster"] = dg.MetadataValue.md(markdown_table(_crosstab(frame, "country", "cluster"), 20))
        metadata["by_source"] = dg.MetadataValue.json({k: int(v) for k, v in frame["source"].value_counts().sort_index().items()})
        constituency = frame["respondent_id"].map(dict(zip(survey_intake.respondents["respondent_id"], survey_intake.respondents["constituency"]))).fillna("no respondent")
        metadata["by_constituency"] = dg.MetadataValue.json({k: int(v) for k, v in constituency.value_counts().sort_index().items()})
    return dg.Output(frame, metadata=metadata)


@build_folder_writer(group_name=GROUP, partitions_def=edition_partitions, kinds={"html", "csv"}, op_tags=WHILE_THE_PDF_RENDERS)
def validation_reports(context: dg.AssetExecutionContext, paths: ProjectPaths, survey_intake: IntakeResult) -> dg.MaterializeResult:
    """Per-respondent validation reports (HTML and CSV), the quarantine and the intake log, under
    validation/ of the build."""
    from pipelines.survey.feedback import write_validation_reports

    build_dir = paths.build_dir(context)
    written = write_validation_reports(survey_intake, build_dir / "validation", paths.templates, paths.edition(context))
    return dg.MaterializeResult(metadata={"reports": len(written) // 2})


@build_folder_writer(group_name=GROUP, partitions_def=edition_partitions, kinds={"csv"}, op_tags=WHILE_THE_PDF_RENDERS)
def survey_exports(context: dg.AssetExecutionContext, paths: ProjectPaths, respondents: pd.DataFrame, initiatives: pd.DataFrame) -> dg.MaterializeResult:
    """The accepted respondents and initiatives as CSV under data/ of the build, for reviewers'
    spreadsheets (cells that a spreadsheet would run as formulas are escaped)."""
    from pipelines.tables.export import write_csv

    data = paths.build_dir(context) / "data"
    write_csv(respondents, data / "respondents.csv")
    write_csv(initiatives, data / "initiatives.csv")
    return dg.MaterializeResult(metadata={"respondents": len(respondents), "initiatives": len(initiatives)})


SURVEY_ASSETS = [survey_intake, respondents, initiatives, validation_reports, survey_exports]
SURVEY_CHECKS = [survey_is_usable, survey_rows_all_accepted]
